//! How the checks reach a node's APIs: plain HTTP to URLs (local nodes, port-forwards), or
//! paths on the API server (its pod proxy) sent by the kube client itself. The second opens no
//! local listener, so no other local process can borrow the kubeconfig's credentials.

use std::time::Duration;

use http::{Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;

/// A way to send the checks' requests.
#[derive(Clone)]
pub enum Transport {
    /// HTTP to full URLs.
    Http(reqwest::Client),
    /// API server paths (`/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/…`) through the
    /// kube client, each request bounded by `timeout`.
    ApiServer {
        /// The cluster's client.
        client: kube::Client,
        /// Limit of each request.
        timeout: Duration,
    },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Http(_) => "Transport::Http",
            Self::ApiServer { .. } => "Transport::ApiServer",
        })
    }
}

/// An answer: HTTP status and body.
#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: StatusCode,
    pub(super) body: bytes::Bytes,
}

impl Reply {
    pub(super) fn json(&self) -> Result<Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("not JSON ({e})"))
    }
}

impl Transport {
    /// Plain HTTP with `timeout` per request.
    pub fn http(timeout: Duration) -> Self {
        Self::Http(
            reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .expect("a plain HTTP client builds"),
        )
    }

    pub(super) async fn get(&self, url: &str) -> Result<Reply, String> {
        self.send(Method::GET, url, None).await
    }

    pub(super) async fn post_json(&self, url: &str, body: &Value) -> Result<Reply, String> {
        let bytes = serde_json::to_vec(body).expect("JSON serializes");
        self.send(Method::POST, url, Some(bytes)).await
    }

    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Reply, String> {
        match self {
            Self::Http(http) => {
                let mut request = http.request(method, url);
                if let Some(body) = body {
                    request = request
                        .header(http::header::CONTENT_TYPE, "application/json")
                        .body(body);
                }
                let response = request.send().await.map_err(describe)?;
                let status = response.status();
                let body = response.bytes().await.map_err(describe)?;
                Ok(Reply { status, body })
            }
            Self::ApiServer { client, timeout } => {
                let mut request = http::Request::builder().method(method).uri(url);
                if body.is_some() {
                    request = request.header(http::header::CONTENT_TYPE, "application/json");
                }
                let request = request
                    .body(kube::client::Body::from(body.unwrap_or_default()))
                    .map_err(|e| e.to_string())?;
                let exchange = async {
                    let response = client.send(request).await.map_err(|e| e.to_string())?;
                    let status = response.status();
                    let body = response
                        .into_body()
                        .collect()
                        .await
                        .map_err(|e| e.to_string())?
                        .to_bytes();
                    Ok(Reply { status, body })
                };
                tokio::time::timeout(*timeout, exchange)
                    .await
                    .unwrap_or_else(|_| Err("timed out".into()))
            }
        }
    }
}

/// The error of a request, without the URL's noise.
fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "unreachable (connection refused or no route)".into()
    } else {
        error.to_string()
    }
}
