//! A local HTTP entrance to the API server, like `kubectl proxy`: requests to
//! `http://127.0.0.1:<port>/<path>` go to `<cluster>/<path>` with the kubeconfig's credentials.
//! The health checks use it to reach pods through the API server's pod proxy
//! (`/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/…`) with plain HTTP clients, so the same
//! checks run against local nodes and cluster pods.

use std::{convert::Infallible, net::SocketAddr};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, task::JoinHandle};

/// A running proxy; it stops when dropped.
#[derive(Debug)]
pub struct ApiProxy {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl ApiProxy {
    /// Starts a proxy for `client` on a free port of 127.0.0.1.
    pub async fn start(client: kube::Client) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let client = client.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| forward(client.clone(), request));
                    // A client hanging up early is its own business.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self { addr, task })
    }

    /// The URL of a pod's port through the API server's pod proxy.
    pub fn pod_url(&self, namespace: &str, pod: &str, port: u16) -> String {
        format!(
            "http://{}/api/v1/namespaces/{namespace}/pods/{pod}:{port}/proxy/",
            self.addr
        )
    }
}

impl Drop for ApiProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(
    client: kube::Client,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let reply = async {
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        let mut upstream = Request::builder().method(parts.method).uri(path);
        if let Some(content_type) = parts.headers.get(http::header::CONTENT_TYPE) {
            upstream = upstream.header(http::header::CONTENT_TYPE, content_type);
        }
        let upstream = upstream
            .body(kube::client::Body::from(body.to_vec()))
            .map_err(|e| e.to_string())?;
        let response = client.send(upstream).await.map_err(|e| e.to_string())?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok::<_, String>(Response::from_parts(parts, Full::new(body)))
    }
    .await;
    Ok(reply.unwrap_or_else(|error| {
        Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(Full::new(Bytes::from(format!("API server: {error}"))))
            .expect("a static response builds")
    }))
}
