//! An in-memory Kubernetes API double for the kube edge's tests: core/v1 objects in
//! namespaces, get/list (equality label selectors)/create/replace/server-side apply/delete,
//! resourceVersions with their preconditions (replace, delete), field-manager conflicts, a
//! request log, and injected failures. kube-rs talks to it as to a real API server
//! through `kube::Client::new`, so the code under test is the code that runs against clusters.

use std::{
    collections::{BTreeMap, BTreeSet},
    convert::Infallible,
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};

/// Shared state of the double.
#[derive(Debug, Default)]
pub struct State {
    /// Existing namespaces.
    pub namespaces: BTreeSet<String>,
    /// Objects by (resource plural, namespace, name).
    pub objects: BTreeMap<(String, String, String), Value>,
    /// `METHOD path` of every request, in order.
    pub log: Vec<String>,
    /// Fail the write (apply/delete) with this 0-based index with HTTP 500, once.
    pub fail_write: Option<usize>,
    /// Writes seen so far.
    pub writes: usize,
    /// Canned answers for pod proxy paths (`<pod>:<port>/proxy<path>`), JSON bodies.
    pub proxy: BTreeMap<String, Value>,
    /// The last resourceVersion handed out.
    pub version: u64,
}

/// The double: clone it to keep a handle on the state while a client uses it.
#[derive(Debug, Clone, Default)]
pub struct FakeApi {
    /// Its state.
    pub state: Arc<Mutex<State>>,
}

impl FakeApi {
    /// A double with these namespaces.
    pub fn with_namespaces(namespaces: &[&str]) -> Self {
        let fake = Self::default();
        fake.state.lock().unwrap().namespaces = namespaces.iter().map(|n| n.to_string()).collect();
        fake
    }

    /// A kube client backed by this double.
    pub fn client(&self) -> kube::Client {
        let state = self.state.clone();
        let service = tower::service_fn(move |request: Request<kube::client::Body>| {
            let state = state.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = body
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let merge_patch = parts
                    .headers
                    .get("content-type")
                    .is_some_and(|t| t.as_bytes() == b"application/merge-patch+json");
                let (status, reply) = handle(
                    &mut state.lock().unwrap(),
                    &parts.method,
                    &parts.uri,
                    &body,
                    merge_patch,
                );
                Ok::<_, Infallible>(
                    Response::builder()
                        .status(status)
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from(reply.to_string())))
                        .unwrap(),
                )
            }
        });
        kube::Client::new(service, "default")
    }

    /// Puts an object in place as if someone else had made it.
    pub fn insert(&self, resource: &str, namespace: &str, mut object: Value) {
        let name = object["metadata"]["name"].as_str().unwrap().to_string();
        let mut state = self.state.lock().unwrap();
        state.version += 1;
        object["metadata"]["resourceVersion"] = json!(state.version.to_string());
        state
            .objects
            .insert((resource.into(), namespace.into(), name), object);
    }

    /// The object, if present.
    pub fn get(&self, resource: &str, namespace: &str, name: &str) -> Option<Value> {
        self.state
            .lock()
            .unwrap()
            .objects
            .get(&(resource.into(), namespace.into(), name.into()))
            .cloned()
    }

    /// Names of the objects of `resource` in `namespace`.
    pub fn names(&self, resource: &str, namespace: &str) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .objects
            .keys()
            .filter(|(r, n, _)| r == resource && n == namespace)
            .map(|(_, _, name)| name.clone())
            .collect()
    }

    /// Every write (create, replace, apply, delete), as `METHOD path`.
    pub fn writes(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|line| !line.starts_with("GET "))
            .cloned()
            .collect()
    }

    /// The requests with this method, as `METHOD path`.
    pub fn requests(&self, method: &str) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|line| line.starts_with(&format!("{method} ")))
            .cloned()
            .collect()
    }
}

fn status(code: StatusCode, reason: &str, message: String) -> (StatusCode, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": message, "reason": reason, "code": code.as_u16()}),
    )
}

fn kind_of(resource: &str) -> &'static str {
    match resource {
        "secrets" => "Secret",
        "configmaps" => "ConfigMap",
        "persistentvolumeclaims" => "PersistentVolumeClaim",
        "pods" => "Pod",
        _ => "Unknown",
    }
}

/// Stamps `object` as the API server does on every write: a new resourceVersion, and the
/// field manager of the operation.
fn stamp(state: &mut State, object: &mut Value, manager: &str, operation: &str) {
    state.version += 1;
    object["metadata"]["resourceVersion"] = json!(state.version.to_string());
    object["metadata"]["managedFields"] = json!([{"manager": manager, "operation": operation}]);
}

/// Handles one request; `merge_patch`: a PATCH is a JSON merge patch (else server-side apply).
fn handle(
    state: &mut State,
    method: &Method,
    uri: &http::Uri,
    body: &[u8],
    merge_patch: bool,
) -> (StatusCode, Value) {
    let path = uri.path();
    state.log.push(format!("{method} {path}"));
    let query: BTreeMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let segments: Vec<&str> = path.trim_start_matches("/api/v1/").split('/').collect();

    if *method == Method::POST && segments == ["namespaces"] {
        let object: Value = serde_json::from_slice(body).unwrap_or_default();
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if !state.namespaces.insert(name.clone()) {
            return status(
                StatusCode::CONFLICT,
                "AlreadyExists",
                format!("namespaces \"{name}\" already exists"),
            );
        }
        return (StatusCode::CREATED, object);
    }
    let ["namespaces", namespace, resource, rest @ ..] = segments.as_slice() else {
        return status(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("no route for {path}"),
        );
    };
    let (namespace, resource) = (namespace.to_string(), resource.to_string());
    let is_write = matches!(
        *method,
        Method::PATCH | Method::DELETE | Method::POST | Method::PUT
    );
    if is_write {
        let index = state.writes;
        state.writes += 1;
        if state.fail_write == Some(index) {
            state.fail_write = None;
            return status(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "injected failure".into(),
            );
        }
        if !state.namespaces.contains(&namespace) {
            return status(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("namespaces \"{namespace}\" not found"),
            );
        }
    }
    match (method.clone(), rest) {
        (Method::GET, []) => {
            let selector: Vec<(String, String)> = query
                .get("labelSelector")
                .map(|s| {
                    s.split(',')
                        .filter_map(|kv| kv.split_once('='))
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let items: Vec<Value> = state
                .objects
                .iter()
                .filter(|((r, n, _), _)| *r == resource && *n == namespace)
                .map(|(_, o)| o.clone())
                .filter(|o| {
                    selector
                        .iter()
                        .all(|(k, v)| o["metadata"]["labels"][k] == json!(v))
                })
                .collect();
            (
                StatusCode::OK,
                json!({"apiVersion": "v1", "kind": format!("{}List", kind_of(&resource)),
                       "metadata": {"resourceVersion": "1"}, "items": items}),
            )
        }
        (Method::GET, [name, "proxy", ..]) | (Method::POST, [name, "proxy", ..])
            if resource == "pods" =>
        {
            let proxied = path
                .split_once("/pods/")
                .map(|(_, p)| p)
                .unwrap_or_default();
            match state.proxy.get(proxied) {
                Some(reply) => (StatusCode::OK, reply.clone()),
                None => status(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ServiceUnavailable",
                    format!("no endpoint {name}"),
                ),
            }
        }
        (Method::GET, [name]) => {
            match state
                .objects
                .get(&(resource.clone(), namespace.clone(), name.to_string()))
            {
                Some(object) => (StatusCode::OK, object.clone()),
                None => status(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    format!("{resource} \"{name}\" not found"),
                ),
            }
        }
        (Method::POST, []) => {
            let mut object: Value = match serde_json::from_slice(body) {
                Ok(object) => object,
                Err(e) => return status(StatusCode::BAD_REQUEST, "BadRequest", e.to_string()),
            };
            let name = object["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let key = (resource.clone(), namespace.clone(), name.clone());
            if state.objects.contains_key(&key) {
                return status(
                    StatusCode::CONFLICT,
                    "AlreadyExists",
                    format!("{resource} \"{name}\" already exists"),
                );
            }
            let manager = query.get("fieldManager").cloned().unwrap_or_default();
            object["metadata"]["namespace"] = json!(namespace);
            stamp(state, &mut object, &manager, "Update");
            state.objects.insert(key, object.clone());
            (StatusCode::CREATED, object)
        }
        (Method::PUT, [name]) => {
            let mut object: Value = match serde_json::from_slice(body) {
                Ok(object) => object,
                Err(e) => return status(StatusCode::BAD_REQUEST, "BadRequest", e.to_string()),
            };
            let key = (resource.clone(), namespace.clone(), name.to_string());
            let Some(existing) = state.objects.get(&key) else {
                return status(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    format!("{resource} \"{name}\" not found"),
                );
            };
            let asked = &object["metadata"]["resourceVersion"];
            if !asked.is_null() && *asked != existing["metadata"]["resourceVersion"] {
                return status(
                    StatusCode::CONFLICT,
                    "Conflict",
                    format!(
                        "Operation cannot be fulfilled on {resource} \"{name}\": the object has \
                         been modified; please apply your changes to the latest version and try again"
                    ),
                );
            }
            let manager = query.get("fieldManager").cloned().unwrap_or_default();
            object["metadata"]["namespace"] = json!(namespace);
            stamp(state, &mut object, &manager, "Update");
            state.objects.insert(key, object.clone());
            (StatusCode::OK, object)
        }
        (Method::PATCH, [name]) => {
            let manager = query.get("fieldManager").cloned().unwrap_or_default();
            let force = query.get("force").is_some_and(|f| f == "true");
            let key = (resource.clone(), namespace.clone(), name.to_string());
            if let Some(existing) = state.objects.get(&key) {
                let owner = existing["metadata"]["managedFields"][0]["manager"]
                    .as_str()
                    .unwrap_or("kubectl");
                if owner != manager && !force {
                    return status(
                        StatusCode::CONFLICT,
                        "Conflict",
                        format!("Apply failed with 1 conflict: conflict with \"{owner}\""),
                    );
                }
            }
            let patch: Value = match serde_json::from_slice(body) {
                Ok(object) => object,
                Err(e) => return status(StatusCode::BAD_REQUEST, "BadRequest", e.to_string()),
            };
            let existing = state.objects.get(&key);
            let mut object = if merge_patch {
                // Only `{"immutable": true}` is sent as a merge patch.
                let Some(existing) = existing else {
                    return status(
                        StatusCode::NOT_FOUND,
                        "NotFound",
                        format!("{resource} \"{name}\" not found"),
                    );
                };
                let mut merged = existing.clone();
                for (field, value) in patch.as_object().into_iter().flatten() {
                    merged[field] = value.clone();
                }
                merged
            } else {
                patch
            };
            // As the API server: the data of an immutable ConfigMap or Secret never changes.
            if let Some(existing) = existing {
                let data_changed = ["data", "binaryData"]
                    .iter()
                    .any(|field| existing[field] != object[field]);
                if existing["immutable"] == json!(true) && data_changed {
                    return status(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Invalid",
                        format!(
                            "{} \"{name}\" is invalid: data: Forbidden: field is immutable when \
                             `immutable` is set",
                            kind_of(&resource)
                        ),
                    );
                }
            }
            object["metadata"]["namespace"] = json!(namespace);
            if merge_patch {
                // A change by the same manager: it keeps owning what it owned.
                state.version += 1;
                object["metadata"]["resourceVersion"] = json!(state.version.to_string());
            } else {
                stamp(state, &mut object, &manager, "Apply");
            }
            state.objects.insert(key, object.clone());
            (StatusCode::OK, object)
        }
        (Method::DELETE, [name]) => {
            let key = (resource.clone(), namespace, name.to_string());
            let options: Value = serde_json::from_slice(body).unwrap_or_default();
            let wanted = &options["preconditions"]["resourceVersion"];
            match state.objects.get(&key) {
                None => status(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    format!("{resource} \"{name}\" not found"),
                ),
                Some(existing)
                    if !wanted.is_null() && *wanted != existing["metadata"]["resourceVersion"] =>
                {
                    status(
                        StatusCode::CONFLICT,
                        "Conflict",
                        format!("Precondition failed for {resource} \"{name}\""),
                    )
                }
                Some(_) => {
                    state.objects.remove(&key);
                    (
                        StatusCode::OK,
                        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}),
                    )
                }
            }
        }
        _ => status(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("{method} {path}"),
        ),
    }
}
