//! Markdown rendering of provider, resource, data source and function schemas
//! in the layout the Terraform Registry reads (front matter, Example Usage,
//! Schema with Required / Optional / Read-Only, nested schemas, Import).

use std::fmt::Write;

use serde_json::Value;

fn front_matter(title: &str, description: &str) -> String {
    let first_line = description.lines().next().unwrap_or("").trim();
    format!(
        "---\npage_title: \"{title}\"\nsubcategory: \"\"\ndescription: |-\n  {first_line}\n---\n\n"
    )
}

fn example_section(out: &mut String, example: Option<&str>) {
    if let Some(code) = example {
        let _ = write!(
            out,
            "## Example Usage\n\n```terraform\n{}\n```\n\n",
            code.trim_end()
        );
    }
}

/// Renders the page for the provider itself (`docs/index.md`).
pub fn provider_page(schema: &Value, example: Option<&str>) -> String {
    let block = &schema["block"];
    let description = block["description"].as_str().unwrap_or("");
    let mut out = front_matter("alicr Provider", description);
    let _ = write!(out, "# alicr Provider\n\n{}\n\n", description.trim_end());
    example_section(&mut out, example);
    out.push_str("## Schema\n\n");
    render_block(&mut out, block, "");
    out
}

/// Renders the page for one resource or data source.
pub fn resource_page(
    name: &str,
    kind: &str,
    schema: &Value,
    example: Option<&str>,
    import: Option<&str>,
) -> String {
    let block = &schema["block"];
    let description = block["description"].as_str().unwrap_or("");
    let mut out = front_matter(&format!("{name} {kind} - alicr"), description);
    let _ = write!(out, "# {name} ({kind})\n\n{}\n\n", description.trim_end());
    example_section(&mut out, example);
    out.push_str("## Schema\n\n");
    render_block(&mut out, block, "");
    if let Some(script) = import {
        let _ = write!(
            out,
            "## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```\n",
            script.trim_end()
        );
    }
    out
}

/// Renders the page for one provider-defined function.
pub fn function_page(name: &str, function: &Value, example: Option<&str>) -> String {
    let summary = function["summary"].as_str().unwrap_or("");
    let description = function["description"].as_str().unwrap_or(summary);
    let mut out = front_matter(&format!("{name} function - alicr"), summary);
    let _ = write!(out, "# function: {name}\n\n{}\n\n", description.trim_end());
    example_section(&mut out, example);
    let params: Vec<&Value> = function["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
    let _ = write!(
        out,
        "## Signature\n\n```text\n{name}({}) {}\n```\n\n## Arguments\n\n",
        names.join(", "),
        type_name(&function["return_type"])
    );
    for (i, p) in params.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. `{}` ({}) {}",
            i + 1,
            p["name"].as_str().unwrap_or(""),
            type_name(&p["type"]),
            p["description"].as_str().unwrap_or("").trim()
        );
    }
    out
}

/// Renders a cty type JSON as the Registry writes it: `String`, `Set of String`.
fn type_name(ty: &Value) -> String {
    match ty {
        Value::String(s) => match s.as_str() {
            "string" => "String".into(),
            "number" => "Number".into(),
            "bool" => "Boolean".into(),
            "dynamic" => "Dynamic".into(),
            other => other.to_string(),
        },
        Value::Array(parts) if parts.len() == 2 => {
            let kind = parts[0].as_str().unwrap_or("");
            match kind {
                "list" => format!("List of {}", type_name(&parts[1])),
                "set" => format!("Set of {}", type_name(&parts[1])),
                "map" => format!("Map of {}", type_name(&parts[1])),
                "object" => "Object".into(),
                "tuple" => "Tuple".into(),
                _ => kind.into(),
            }
        }
        _ => "Dynamic".into(),
    }
}

fn attribute_line(name: &str, attribute: &Value) -> String {
    let mut flags = vec![type_name(&attribute["type"])];
    if attribute["sensitive"].as_bool() == Some(true) {
        flags.push("Sensitive".into());
    }
    if attribute["write_only"].as_bool() == Some(true) {
        flags.push("Write-only".into());
    }
    if attribute["deprecated"].as_bool() == Some(true) {
        flags.push("Deprecated".into());
    }
    let description = attribute["description"].as_str().unwrap_or("").trim();
    format!("- `{name}` ({}) {description}\n", flags.join(", "))
}

fn block_line(name: &str, nested: &Value, anchor: &str) -> String {
    let mode = match nested["nesting_mode"].as_str().unwrap_or("single") {
        "list" => "Block List",
        "set" => "Block Set",
        "map" => "Block Map",
        _ => "Block",
    };
    let mut limits = String::new();
    if let Some(max) = nested["max_items"].as_i64() {
        limits = format!(", Max: {max}");
    }
    let description = nested["block"]["description"].as_str().unwrap_or("").trim();
    format!(
        "- `{name}` ({mode}{limits}) {description} (see [below for nested schema](#{anchor}))\n"
    )
}

/// Returns the section an attribute or block belongs in.
fn section_of(value: &Value) -> &'static str {
    if value["required"].as_bool() == Some(true) || value["min_items"].as_i64().unwrap_or(0) > 0 {
        "Required"
    } else if value["optional"].as_bool() == Some(true) || value.get("nesting_mode").is_some() {
        "Optional"
    } else {
        "Read-Only"
    }
}

fn render_block(out: &mut String, block: &Value, prefix: &str) {
    let mut nested_sections: Vec<(String, Value)> = Vec::new();
    for section in ["Required", "Optional", "Read-Only"] {
        let mut lines = String::new();
        for (name, attribute) in block["attributes"].as_object().into_iter().flatten() {
            if section_of(attribute) == section {
                lines.push_str(&attribute_line(name, attribute));
            }
        }
        for (name, nested) in block["block_types"].as_object().into_iter().flatten() {
            if section_of(nested) == section {
                let anchor = format!("nestedblock--{prefix}{name}");
                lines.push_str(&block_line(name, nested, &anchor));
                nested_sections.push((format!("{prefix}{name}"), nested.clone()));
            }
        }
        if !lines.is_empty() {
            let _ = write!(out, "### {section}\n\n{lines}\n");
        }
    }
    for (path, nested) in nested_sections {
        let _ = write!(
            out,
            "<a id=\"nestedblock--{path}\"></a>\n### Nested Schema for `{}`\n\n",
            path.replace("--", ".")
        );
        render_block(out, &nested["block"], &format!("{path}--"));
    }
}
