//! Build actions: start a build from a rule, read its status, record and log, list records and
//! cancel. A build's status is computed from the times stored when it started, so it advances
//! while the emulator is stopped too.

use serde_json::{json, Value};

use super::build_rule::find_rule;
use super::{empty, instance, paged, reply, repository, Ctx};
use crate::ids;
use crate::model::{BuildRecord, BuildStatus};
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Reply};

fn record_not_exist(record_id: &str) -> ApiError {
    ApiError::business(
        "BUILD_RECORD_NOT_EXIST",
        format!("Build record {record_id} does not exist."),
    )
}

fn find_record(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    instance_id: &str,
    record_id: &str,
) -> Result<Stored<BuildRecord>, ApiError> {
    tx.get::<BuildRecord>(ctx.account_id, record_id)?
        .filter(|record| record.doc.instance_id == instance_id)
        .ok_or_else(|| record_not_exist(record_id))
}

fn find_repo_record(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Stored<BuildRecord>, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let record_id = params.required("BuildRecordId")?;
    let record = find_record(ctx, tx, &inst.id, record_id)?;
    if record.scope != repo.id {
        return Err(record_not_exist(record_id));
    }
    Ok(record)
}

pub(super) fn create_by_rule(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let rule = find_rule(ctx, tx, &repo.id, params.required("BuildRuleId")?)?;
    let realism = ctx.app.realism();
    let building_at_ms = ctx.now_ms + realism.build_pending_ms as i64;
    let doc = BuildRecord {
        instance_id: inst.id.clone(),
        build_rule_id: rule.id.clone(),
        image_tag: rule.doc.image_tag.clone(),
        repo_name: repo.doc.name.clone(),
        namespace: repo.doc.namespace.clone(),
        building_at_ms,
        finish_at_ms: building_at_ms + realism.build_running_ms as i64,
        fails: ctx.app.take_build_failure(),
        canceled_at_ms: None,
    };
    let id = ids::build_record_id();
    tx.insert(&id, ctx.account_id, &repo.id, None, ctx.now_ms, &doc)?;
    Ok(reply(json!({ "BuildRecordId": id })))
}

pub(super) fn get_status(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let record = find_repo_record(ctx, params, tx)?;
    Ok(reply(
        json!({ "BuildStatus": record.doc.status(ctx.now_ms).as_str() }),
    ))
}

pub(super) fn get_record(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let record = find_record(ctx, tx, &inst.id, params.required("BuildRecordId")?)?;
    let doc = &record.doc;
    Ok(reply(json!({
        "BuildRecordId": record.id,
        "Status": doc.status(ctx.now_ms).as_str(),
        "StartTime": record.created_ms,
        "EndTime": doc.end_ms(ctx.now_ms).unwrap_or(0),
        "Image": {
            "ImageTag": doc.image_tag,
            "RepoName": doc.repo_name,
            "RepoNamespaceName": doc.namespace,
        },
    })))
}

pub(super) fn list_records(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let repo = repository(ctx, tx, &inst.id, params.required("RepoId")?)?;
    let page = params.page("PageNo", "PageSize", 30, 100)?;
    let mut records = tx.list::<BuildRecord>(ctx.account_id, &repo.id)?;
    records.reverse();
    let total = records.len();
    // StartTime and EndTime are strings in this list, unlike GetRepoBuildRecord.
    let items: Vec<Value> = page
        .slice(records)
        .iter()
        .map(|record| {
            json!({
                "BuildRecordId": record.id,
                "BuildStatus": record.doc.status(ctx.now_ms).as_str(),
                "StartTime": record.created_ms.to_string(),
                "EndTime": record.doc.end_ms(ctx.now_ms).unwrap_or(0).to_string(),
                "Image": {
                    "ImageTag": record.doc.image_tag,
                    "RepoId": repo.id,
                    "RepoName": record.doc.repo_name,
                    "RepoNamespaceName": record.doc.namespace,
                },
            })
        })
        .collect();
    Ok(paged(reply(json!({ "BuildRecords": items })), page, total))
}

/// The log lines a build has written by now, as (stage, message).
fn log_lines(record: &BuildRecord, status: BuildStatus) -> Vec<(&'static str, String)> {
    let image = format!(
        "{}/{}:{}",
        record.namespace, record.repo_name, record.image_tag
    );
    let mut lines = vec![
        (
            "CLONE",
            format!("Cloning the source of build rule {}", record.build_rule_id),
        ),
        ("BUILD", "Step 1/3 : FROM base".to_string()),
        ("BUILD", "Step 2/3 : COPY . /src".to_string()),
    ];
    match status {
        BuildStatus::Pending => lines.clear(),
        BuildStatus::Building => {}
        BuildStatus::Success => {
            lines.push(("BUILD", "Step 3/3 : RUN make".to_string()));
            lines.push(("PUSH", format!("Pushing {image}")));
            lines.push(("PUSH", format!("Build succeeded: {image}")));
        }
        BuildStatus::Failed => {
            lines.push(("BUILD", "Step 3/3 : RUN make".to_string()));
            lines.push(("BUILD", "make: *** [all] Error 2".to_string()));
            lines.push((
                "BUILD",
                "ERROR: failed to build: process \"/bin/sh -c make\" did not complete successfully: exit code: 2".to_string(),
            ));
        }
        BuildStatus::Canceled => lines.push(("BUILD", "Build canceled by the user.".to_string())),
    }
    lines
}

pub(super) fn list_log(ctx: &Ctx<'_>, params: &Params, tx: &Tx<'_>) -> Result<Reply, ApiError> {
    let inst = instance(ctx, params, tx)?;
    let record = find_record(ctx, tx, &inst.id, params.required("BuildRecordId")?)?;
    if let Some(repo_id) = params.get("RepoId") {
        if record.scope != repo_id {
            return Err(record_not_exist(&record.id));
        }
    }
    let offset = params.int("Offset")?.unwrap_or(0).max(0) as usize;
    let lines = log_lines(&record.doc, record.doc.status(ctx.now_ms));
    let total = lines.len();
    let items: Vec<Value> = lines
        .into_iter()
        .enumerate()
        .skip(offset)
        .map(|(i, (stage, message))| json!({ "BuildStage": stage, "LineNumber": i + 1, "Message": message }))
        .collect();
    let page = crate::wire::params::Page {
        number: 1,
        size: items.len().max(1),
    };
    Ok(paged(
        reply(json!({ "BuildRecordLogs": items })),
        page,
        total,
    ))
}

pub(super) fn cancel_record(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Reply, ApiError> {
    let mut record = find_repo_record(ctx, params, tx)?;
    // NOTE: canceling a finished build is accepted and changes nothing; the real service's
    // behaviour for that case is undocumented.
    if record.doc.status(ctx.now_ms).is_running() {
        record.doc.canceled_at_ms = Some(ctx.now_ms);
        tx.update(&record.id, &record.doc)?;
    }
    Ok(empty())
}
