//! go-plugin's auxiliary gRPC services, which Terraform's plugin client uses
//! beside the provider service: the controller (Shutdown), stdio forwarding
//! and the connection broker.
//!
//! Every open stream ends when the shutdown token is cancelled, so a graceful
//! server shutdown does not wait on streams the client keeps open.

use std::pin::Pin;

use futures::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

use crate::proto::plugin as pb;

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// Returns a stream that yields nothing and ends when `shutdown` is cancelled.
fn idle_until<T: Send + 'static>(shutdown: &CancellationToken) -> BoxStream<T> {
    Box::pin(futures::stream::pending().take_until(shutdown.clone().cancelled_owned()))
}

/// `plugin.GRPCController`: Shutdown cancels the token the serve loop waits on.
#[derive(Debug, Clone)]
pub struct Controller {
    shutdown: CancellationToken,
}

impl Controller {
    pub fn new(shutdown: CancellationToken) -> Controller {
        Controller { shutdown }
    }
}

#[tonic::async_trait]
impl pb::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<pb::Empty>) -> Result<Response<pb::Empty>, Status> {
        tracing::debug!("Terraform requested plugin shutdown");
        self.shutdown.cancel();
        Ok(Response::new(pb::Empty {}))
    }
}

/// `plugin.GRPCStdio`: the stream stays open and carries nothing, because
/// logs go to stderr directly, which Terraform reads too.
#[derive(Debug, Clone)]
pub struct Stdio {
    shutdown: CancellationToken,
}

impl Stdio {
    pub fn new(shutdown: CancellationToken) -> Stdio {
        Stdio { shutdown }
    }
}

#[tonic::async_trait]
impl pb::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = BoxStream<pb::StdioData>;

    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(idle_until(&self.shutdown)))
    }
}

/// `plugin.GRPCBroker`: accepts the stream and discards what arrives, since
/// Terraform brokers no connections to providers.
#[derive(Debug, Clone)]
pub struct Broker {
    shutdown: CancellationToken,
}

impl Broker {
    pub fn new(shutdown: CancellationToken) -> Broker {
        Broker { shutdown }
    }
}

#[tonic::async_trait]
impl pb::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = BoxStream<pb::ConnInfo>;

    async fn start_stream(
        &self,
        request: Request<Streaming<pb::ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        let mut incoming = request.into_inner();
        tokio::spawn(async move {
            while let Some(message) = incoming.next().await {
                match message {
                    Ok(info) => {
                        tracing::trace!(service_id = info.service_id, "Ignored broker message")
                    }
                    Err(status) => {
                        tracing::trace!(error = %status, "Broker stream ended");
                        break;
                    }
                }
            }
        });
        Ok(Response::new(idle_until(&self.shutdown)))
    }
}
