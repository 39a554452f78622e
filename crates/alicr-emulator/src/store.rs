//! Durable state: one SQLite database (WAL journal) holding every object as a JSON document,
//! keyed by kind and ID and scoped by account. Each API call runs in one transaction, so a crash
//! mid-write leaves either the whole change or none of it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;

use crate::wire::ApiError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    name TEXT,
    created_ms INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS objects_by_name ON objects(kind, account_id, scope, name)
    WHERE name IS NOT NULL;
CREATE INDEX IF NOT EXISTS objects_by_scope ON objects(kind, account_id, scope, created_ms);
";

/// A failure opening or preparing the state database.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the state database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot prepare the state database: {0}")]
    Schema(#[from] rusqlite::Error),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

/// A kind of stored object; `KIND` is its value in the `kind` column.
pub trait Record: Serialize + DeserializeOwned {
    const KIND: &'static str;
}

/// An object read back from the database.
#[derive(Debug, Clone)]
pub struct Stored<R> {
    pub id: String,
    pub account_id: String,
    pub scope: String,
    pub created_ms: i64,
    pub doc: R,
}

/// A cheap-to-clone handle to the state database.
///
/// One connection behind a std mutex: every transaction is short and never awaits, so a
/// blocking lock costs less than handing each request to a blocking thread pool.
#[derive(Debug, Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (creating if needed) `DIR/alicr-emulator.sqlite3`, or an in-memory database.
    pub fn open(data_dir: Option<&Path>) -> Result<Db, StoreError> {
        let conn = match data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                    path: dir.display().to_string(),
                    source,
                })?;
                let path = dir.join("alicr-emulator.sqlite3");
                let conn = Connection::open(&path).map_err(|source| StoreError::Open {
                    path: path.display().to_string(),
                    source,
                })?;
                // WAL with synchronous=NORMAL survives a process kill without losing a
                // committed transaction; only an operating-system crash can lose the newest ones.
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn
            }
            None => Connection::open_in_memory().map_err(|source| StoreError::Open {
                path: ":memory:".into(),
                source,
            })?,
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` in one transaction, committing on `Ok` and rolling back on `Err`.
    /// With `read_cutoff_ms` set, objects created after that time are invisible to reads.
    pub fn transact<T>(
        &self,
        read_cutoff_ms: Option<i64>,
        work: impl FnOnce(&Tx<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| ApiError::Internal("the state database lock is poisoned".into()))?;
        let tx = Tx {
            inner: conn.transaction()?,
            read_cutoff_ms,
        };
        let value = work(&tx)?;
        tx.inner.commit()?;
        Ok(value)
    }
}

/// One open transaction.
#[derive(Debug)]
pub struct Tx<'c> {
    inner: Transaction<'c>,
    read_cutoff_ms: Option<i64>,
}

type Row = (String, String, String, i64, String);

impl Tx<'_> {
    fn decode<R: Record>(&self, row: Row) -> Result<Option<Stored<R>>, ApiError> {
        let (id, account_id, scope, created_ms, doc) = row;
        if self
            .read_cutoff_ms
            .is_some_and(|cutoff| created_ms > cutoff)
        {
            return Ok(None);
        }
        Ok(Some(Stored {
            id,
            account_id,
            scope,
            created_ms,
            doc: serde_json::from_str(&doc)?,
        }))
    }

    fn query<R: Record>(
        &self,
        sql: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Stored<R>>, ApiError> {
        let mut stmt = self.inner.prepare_cached(sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(stored) = self.decode(row?)? {
                out.push(stored);
            }
        }
        Ok(out)
    }

    /// Reads one object of `account_id` by ID.
    pub fn get<R: Record>(
        &self,
        account_id: &str,
        id: &str,
    ) -> Result<Option<Stored<R>>, ApiError> {
        let sql = "SELECT id, account_id, scope, created_ms, doc FROM objects WHERE kind = ?1 AND id = ?2 AND account_id = ?3";
        Ok(self.query(sql, &[&R::KIND, &id, &account_id])?.pop())
    }

    /// Reads one object by ID whatever account owns it (access keys, role lookups).
    pub fn get_any<R: Record>(&self, id: &str) -> Result<Option<Stored<R>>, ApiError> {
        let sql = "SELECT id, account_id, scope, created_ms, doc FROM objects WHERE kind = ?1 AND id = ?2";
        Ok(self.query(sql, &[&R::KIND, &id])?.pop())
    }

    /// Reads one object by its unique name within a scope.
    pub fn find_named<R: Record>(
        &self,
        account_id: &str,
        scope: &str,
        name: &str,
    ) -> Result<Option<Stored<R>>, ApiError> {
        let sql = "SELECT id, account_id, scope, created_ms, doc FROM objects WHERE kind = ?1 AND account_id = ?2 AND scope = ?3 AND name = ?4";
        Ok(self
            .query(sql, &[&R::KIND, &account_id, &scope, &name])?
            .pop())
    }

    /// Lists the objects of a scope, oldest first.
    pub fn list<R: Record>(
        &self,
        account_id: &str,
        scope: &str,
    ) -> Result<Vec<Stored<R>>, ApiError> {
        let sql = "SELECT id, account_id, scope, created_ms, doc FROM objects WHERE kind = ?1 AND account_id = ?2 AND scope = ?3 ORDER BY created_ms, id";
        self.query(sql, &[&R::KIND, &account_id, &scope])
    }

    /// Lists every object of this kind in the account, oldest first.
    pub fn list_account<R: Record>(&self, account_id: &str) -> Result<Vec<Stored<R>>, ApiError> {
        let sql = "SELECT id, account_id, scope, created_ms, doc FROM objects WHERE kind = ?1 AND account_id = ?2 ORDER BY created_ms, id";
        self.query(sql, &[&R::KIND, &account_id])
    }

    /// Inserts a new object.
    pub fn insert<R: Record>(
        &self,
        id: &str,
        account_id: &str,
        scope: &str,
        name: Option<&str>,
        created_ms: i64,
        doc: &R,
    ) -> Result<(), ApiError> {
        let json = serde_json::to_string(doc)?;
        let mut stmt = self.inner.prepare_cached(
            "INSERT INTO objects (kind, id, account_id, scope, name, created_ms, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        stmt.execute(params![
            R::KIND,
            id,
            account_id,
            scope,
            name,
            created_ms,
            json
        ])?;
        Ok(())
    }

    /// Replaces the document of an existing object.
    pub fn update<R: Record>(&self, id: &str, doc: &R) -> Result<(), ApiError> {
        let json = serde_json::to_string(doc)?;
        let mut stmt = self
            .inner
            .prepare_cached("UPDATE objects SET doc = ?3 WHERE kind = ?1 AND id = ?2")?;
        stmt.execute(params![R::KIND, id, json])?;
        Ok(())
    }

    /// Deletes one object.
    pub fn delete<R: Record>(&self, id: &str) -> Result<(), ApiError> {
        let mut stmt = self
            .inner
            .prepare_cached("DELETE FROM objects WHERE kind = ?1 AND id = ?2")?;
        stmt.execute(params![R::KIND, id])?;
        Ok(())
    }

    /// Deletes every object of this kind in a scope.
    pub fn delete_scope<R: Record>(&self, account_id: &str, scope: &str) -> Result<(), ApiError> {
        let mut stmt = self.inner.prepare_cached(
            "DELETE FROM objects WHERE kind = ?1 AND account_id = ?2 AND scope = ?3",
        )?;
        stmt.execute(params![R::KIND, account_id, scope])?;
        Ok(())
    }

    /// Reads a value from the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, ApiError> {
        let mut stmt = self
            .inner
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
        Ok(stmt.query_row([key], |r| r.get(0)).optional()?)
    }

    /// Writes a value to the `meta` table.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), ApiError> {
        let mut stmt = self
            .inner
            .prepare_cached("INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?;
        stmt.execute([key, value])?;
        Ok(())
    }

    /// Deletes every object and meta value, for a reset to the seed.
    pub fn wipe(&self) -> Result<(), ApiError> {
        self.inner
            .execute_batch("DELETE FROM objects; DELETE FROM meta;")?;
        Ok(())
    }
}
