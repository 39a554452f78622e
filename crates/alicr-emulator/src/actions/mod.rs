//! API actions: the `Action` enum routed by product and name, the per-call context, and the
//! lookups shared by several action groups. Each action group has its own file.

mod build_record;
mod build_rule;
mod code_source;
mod instance;
mod link_addresses;
mod namespace;
mod repository;
mod source_repo;
mod sts;
mod vpc;
mod vpc_link;

use serde_json::{json, Value};

use crate::app::App;
use crate::model::{Instance, Repository};
use crate::store::{Stored, Tx};
use crate::wire::{ApiError, Params, Product, Reply};

/// Everything an action may know about the call besides its parameters.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub app: &'a App,
    pub account_id: &'a str,
    pub now_ms: i64,
}

type Handler = fn(&Ctx<'_>, &Params, &Tx<'_>) -> Result<Reply, ApiError>;

macro_rules! actions {
    ($($product:ident $variant:ident => $handler:path),* $(,)?) => {
        /// Every action the emulator serves, plus `Unknown` for anything else.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($variant,)*
            Unknown,
        }

        impl Action {
            /// Finds the action of a product by its wire name.
            pub fn parse(product: Product, name: &str) -> Action {
                match (product, name) {
                    $((Product::$product, stringify!($variant)) => Action::$variant,)*
                    _ => Action::Unknown,
                }
            }

            /// The action's wire name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => stringify!($variant),)*
                    Action::Unknown => "Unknown",
                }
            }

            fn handler(self) -> Option<Handler> {
                match self {
                    $(Action::$variant => Some($handler),)*
                    Action::Unknown => None,
                }
            }
        }
    };
}

actions! {
    Cr GetInstance => instance::get_instance,
    Cr ListInstance => instance::list_instance,
    Cr CreateNamespace => namespace::create_namespace,
    Cr GetNamespace => namespace::get_namespace,
    Cr ListNamespace => namespace::list_namespace,
    Cr UpdateNamespace => namespace::update_namespace,
    Cr DeleteNamespace => namespace::delete_namespace,
    Cr CreateRepository => repository::create_repository,
    Cr GetRepository => repository::get_repository,
    Cr ListRepository => repository::list_repository,
    Cr UpdateRepository => repository::update_repository,
    Cr DeleteRepository => repository::delete_repository,
    Cr CreateRepoSourceCodeRepo => source_repo::create_source,
    Cr GetRepoSourceCodeRepo => source_repo::get_source,
    Cr UpdateRepoSourceCodeRepo => source_repo::update_source,
    Cr DeleteRepoSourceCodeRepo => source_repo::delete_source,
    Cr CreateRepoBuildRule => build_rule::create_rule,
    Cr UpdateRepoBuildRule => build_rule::update_rule,
    Cr DeleteRepoBuildRule => build_rule::delete_rule,
    Cr ListRepoBuildRule => build_rule::list_rules,
    Cr CreateBuildRecordByRule => build_record::create_by_rule,
    Cr GetRepoBuildRecordStatus => build_record::get_status,
    Cr GetRepoBuildRecord => build_record::get_record,
    Cr ListRepoBuildRecord => build_record::list_records,
    Cr ListRepoBuildRecordLog => build_record::list_log,
    Cr CancelRepoBuildRecord => build_record::cancel_record,
    Cr CreateBuildVpcLink => vpc_link::create_link,
    Cr GetBuildVpcLink => vpc_link::get_link,
    Cr ListBuildVpcLink => vpc_link::list_links,
    Cr UpdateBuildVpcLink => vpc_link::update_link,
    Cr DeleteBuildVpcLink => vpc_link::delete_link,
    Cr CreateInstanceCodeSource => code_source::create_source,
    Cr GetInstanceCodeSource => code_source::get_source,
    Cr ListInstanceCodeSource => code_source::list_sources,
    Cr UpdateInstanceCodeSource => code_source::update_source,
    Cr DeleteInstanceCodeSource => code_source::delete_source,
    Vpc DescribeVpcs => vpc::describe_vpcs,
    Vpc DescribeVSwitches => vpc::describe_vswitches,
    Sts AssumeRole => sts::assume_role,
}

impl Action {
    /// Whether the action only reads, so read-after-write lag applies to it.
    pub fn is_read(self) -> bool {
        let name = self.name();
        name.starts_with("Get") || name.starts_with("List") || name.starts_with("Describe")
    }
}

/// Runs an action in one transaction. `read_lag_ms` hides objects younger than that from reads.
pub fn run(
    action: Action,
    ctx: &Ctx<'_>,
    params: &Params,
    read_lag_ms: u64,
) -> Result<Reply, ApiError> {
    let handler = action.handler().ok_or_else(api_not_found)?;
    let cutoff = (action.is_read() && read_lag_ms > 0).then(|| ctx.now_ms - read_lag_ms as i64);
    ctx.app.db.transact(cutoff, |tx| handler(ctx, params, tx))
}

/// `InvalidApi.NotFound` (HTTP 404) for an action or version the emulator does not serve.
pub fn api_not_found() -> ApiError {
    ApiError::gateway(
        404,
        "InvalidApi.NotFound",
        "Specified api is not found, please check your url and method.",
    )
}

/// Reads the required `InstanceId` and its instance, or `INSTANCE_NOT_EXIST`.
pub(crate) fn instance(
    ctx: &Ctx<'_>,
    params: &Params,
    tx: &Tx<'_>,
) -> Result<Stored<Instance>, ApiError> {
    let id = params.required("InstanceId")?;
    tx.get::<Instance>(ctx.account_id, id)?.ok_or_else(|| {
        ApiError::business(
            "INSTANCE_NOT_EXIST",
            format!("Instance {id} does not exist in this account."),
        )
    })
}

/// Reads a repository by ID within an instance, or `REPO_NOT_EXIST`.
pub(crate) fn repository(
    ctx: &Ctx<'_>,
    tx: &Tx<'_>,
    instance_id: &str,
    repo_id: &str,
) -> Result<Stored<Repository>, ApiError> {
    tx.get::<Repository>(ctx.account_id, repo_id)?
        .filter(|repo| repo.doc.instance_id == instance_id)
        .ok_or_else(|| repo_not_exist(repo_id))
}

pub(crate) fn repo_not_exist(repo: &str) -> ApiError {
    ApiError::business(
        "REPO_NOT_EXIST",
        format!("Repository {repo} does not exist in this instance."),
    )
}

/// Builds a reply from a JSON object literal.
pub(crate) fn reply(value: Value) -> Reply {
    match value {
        Value::Object(map) => map,
        other => {
            let mut map = Reply::new();
            map.insert("Value".into(), other);
            map
        }
    }
}

/// A reply with no fields beyond the envelope.
pub(crate) fn empty() -> Reply {
    Reply::new()
}

/// Paging fields shared by CR list responses; `TotalCount` is a string there.
pub(crate) fn paged(mut fields: Reply, page: crate::wire::params::Page, total: usize) -> Reply {
    fields.insert("PageNo".into(), json!(page.number));
    fields.insert("PageSize".into(), json!(page.size));
    fields.insert("TotalCount".into(), json!(total.to_string()));
    fields
}
