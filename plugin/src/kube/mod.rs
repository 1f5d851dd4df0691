//! The Kubernetes edge: the objects artifacts become. Builders here are pure, so they are
//! tested without a cluster; talking to an API server comes with `helm ethnet install`.

pub mod objects;
