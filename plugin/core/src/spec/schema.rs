//! The network part of the chart's values.schema.json, generated from the raw spec types and
//! the [`limits`](super::limits) that validation enforces. The chart-only parts (images,
//! resources, ingress, …) stay written by hand around it; a test checks that the committed
//! schema holds exactly these parts.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

use super::{limits, Fork, RawAllocAccount, Role, SpecFile};

/// The parts of values.schema.json the Rust types own, as (JSON pointer, schema) pairs: the
/// whole `network`, `accounts` and `validators` objects, the node groups and, in each group,
/// `replicas` and the client names (the rest of a group is chart-only).
pub fn values_schema_parts() -> Vec<(String, Value)> {
    let spec = generator().into_root_schema_for::<SpecFile>().to_value();
    let group = &spec["properties"]["nodes"]["additionalProperties"];
    let mut parts: Vec<(String, Value)> = ["network", "accounts", "validators"]
        .into_iter()
        .map(|key| {
            (
                format!("/properties/{key}"),
                spec["properties"][key].clone(),
            )
        })
        .collect();
    let keys: Vec<&str> = Role::ALL.iter().map(|role| role.values_key()).collect();
    parts.push(("/properties/nodes/required".into(), json!(keys)));
    parts.push((
        "/properties/nodes/additionalProperties".into(),
        json!(false),
    ));
    for key in keys {
        let at = format!("/properties/nodes/properties/{key}/properties");
        parts.push((
            format!("{at}/replicas"),
            group["properties"]["replicas"].clone(),
        ));
        for layer in ["execution", "consensus"] {
            let client = &group["properties"][layer]["properties"]["client"];
            parts.push((format!("{at}/{layer}/properties/client"), client.clone()));
        }
    }
    parts
}

/// The names a unit enum deserialises from, as its schema lists them.
pub(super) fn names_of<T: JsonSchema>() -> Vec<String> {
    let schema = generator().into_root_schema_for::<T>();
    let names = schema.get("enum").and_then(Value::as_array);
    names
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_string))
        .collect()
}

/// Draft-07 (what helm 3.16 reads), every subschema inline, no `format` (helm 3.16's validator
/// does not know schemars' numeric formats), and unit enums as plain `enum` lists.
fn generator() -> SchemaGenerator {
    SchemaSettings::draft07()
        .with(|settings| {
            settings.meta_schema = None;
            settings.inline_subschemas = true;
        })
        .with_transform(RecursiveTransform(|schema: &mut Schema| {
            schema.remove("format");
            enum_of_consts(schema);
        }))
        .into_generator()
}

/// `oneOf` of string constants (a unit enum with documented variants) becomes `enum`.
fn enum_of_consts(schema: &mut Schema) {
    let Some(Value::Array(choices)) = schema.get("oneOf") else {
        return;
    };
    let names: Option<Vec<Value>> = choices
        .iter()
        .map(|choice| choice.get("const").filter(|c| c.is_string()).cloned())
        .collect();
    if let Some(names) = names {
        schema.remove("oneOf");
        schema.insert("type".into(), json!("string"));
        schema.insert("enum".into(), Value::Array(names));
    }
}

/// Every fork by name: the oldest at genesis, the others at an epoch or never (their order and
/// what ethnet can build are cross-field rules, checked in Rust only).
pub(super) fn forks(_: &mut SchemaGenerator) -> Schema {
    let oldest = Fork::ALL[0];
    let mut properties = serde_json::Map::new();
    for fork in Fork::ALL {
        let schema = if fork == oldest {
            json!({
                "type": "integer",
                "const": 0,
                "description": format!(
                    "{} ({}) is at genesis",
                    fork.name(),
                    fork.execution_name()
                ),
            })
        } else {
            json!({
                "description": format!("{} ({}): an epoch or never", fork.name(), fork.execution_name()),
                "oneOf": [
                    {"type": "integer", "minimum": limits::EPOCH.min},
                    {"type": "string", "const": "never"},
                ],
            })
        };
        properties.insert(fork.name().into(), schema);
    }
    let names: Vec<&str> = Fork::ALL.iter().map(|fork| fork.name()).collect();
    json_schema!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "required": names,
    })
}

/// Wei: a decimal or 0x-hex string, or a JSON integer (exact only below 2^53 when it comes
/// from a values file: ethnet refuses an inexact one).
pub(super) fn wei(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "oneOf": [
            {"type": "string", "pattern": limits::WHOLE_NUMBER},
            {"type": "integer", "minimum": 0},
        ],
    })
}

/// A nonce: a JSON integer, or a decimal or 0x-hex string.
pub(super) fn nonce(generator: &mut SchemaGenerator) -> Schema {
    wei(generator)
}

/// `accounts.alloc`: accounts by address.
pub(super) fn alloc(generator: &mut SchemaGenerator) -> Schema {
    let account = generator.subschema_for::<RawAllocAccount>();
    json_schema!({
        "type": "object",
        "additionalProperties": false,
        "patternProperties": { (limits::ADDRESS): account },
    })
}

/// Storage of an alloc account: 0x-hex slot to 0x-hex value.
pub(super) fn storage(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": false,
        "patternProperties": { (limits::WORD): {"type": "string", "pattern": limits::WORD} },
    })
}

pub(super) fn withdrawal_type(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "enum": limits::WITHDRAWAL_TYPES})
}

/// An execution address, or empty (0x00 credentials).
pub(super) fn optional_address(_: &mut SchemaGenerator) -> Schema {
    let pattern = format!("^({})?$", &limits::ADDRESS[1..limits::ADDRESS.len() - 1]);
    json_schema!({"type": "string", "pattern": pattern})
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHART_SCHEMA: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../chart/values.schema.json"
    );

    /// The committed values.schema.json holds the generated parts. `ETHNET_UPDATE_SCHEMA=1
    /// cargo test -p ethnet-core values_schema` writes them into it.
    #[test]
    fn committed_values_schema_holds_the_generated_parts() {
        let text = std::fs::read_to_string(CHART_SCHEMA).unwrap();
        let mut chart: Value = serde_json::from_str(&text).unwrap();
        let update = std::env::var_os("ETHNET_UPDATE_SCHEMA").is_some();
        let mut stale = Vec::new();
        for (pointer, part) in values_schema_parts() {
            let committed = chart
                .pointer_mut(&pointer)
                .expect("the chart schema has the parent");
            if *committed != part {
                if update {
                    *committed = part;
                }
                stale.push(pointer);
            }
        }
        if update {
            let pretty = serde_json::to_string_pretty(&chart).unwrap() + "\n";
            std::fs::write(CHART_SCHEMA, pretty).unwrap();
            return;
        }
        assert!(
            stale.is_empty(),
            "chart/values.schema.json differs from the Rust types at {stale:?}; run \
             ETHNET_UPDATE_SCHEMA=1 cargo test -p ethnet-core values_schema"
        );
    }

    #[test]
    fn enum_names_come_from_the_types() {
        assert_eq!(names_of::<super::super::Preset>(), ["mainnet", "minimal"]);
        assert_eq!(
            names_of::<crate::clients::ConsensusClient>(),
            ["lighthouse", "lodestar", "prysm"]
        );
    }
}
