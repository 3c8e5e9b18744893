//! Writers for the graph files analysts open next: GEXF (Gephi) and GraphML (Gephi,
//! networkx, igraph, yEd). Both take the same [`Graph`] description. Every string from the
//! data is escaped, and characters XML forbids are dropped, so hostile text cannot break
//! the file.
//!
//! [`kind`] names a campaign's kind and DISARM techniques from its evidence.
//!
//! [`schema`] names every file `lockstep analyze` writes: a type per JSON document and the
//! header of every CSV file.

mod gexf;
mod graphml;
pub mod kind;
pub mod schema;
mod xml;

pub use gexf::write_gexf;
pub use graphml::write_graphml;
/// RFC 3339 text of a time, as every output writes it (`lockstep-model`'s time module).
pub use lockstep_model::time::rfc3339;
pub use xml::escape;

/// Type of an attribute column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrType {
    /// 64-bit integer.
    Int,
    /// Double.
    Float,
    /// Text.
    Text,
    /// Boolean.
    Bool,
}

/// One attribute value.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrValue {
    /// Integer.
    Int(i64),
    /// Double.
    Float(f64),
    /// Text.
    Text(String),
    /// Boolean.
    Bool(bool),
}

/// A node: id, label, one value per node attribute.
#[derive(Clone, Debug)]
pub struct Node {
    /// Unique id.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Values in the order of [`Graph::node_attrs`].
    pub values: Vec<AttrValue>,
}

/// An edge between node indices, with one value per edge attribute.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Index into [`Graph::nodes`].
    pub source: usize,
    /// Index into [`Graph::nodes`].
    pub target: usize,
    /// Weight.
    pub weight: f64,
    /// Values in the order of [`Graph::edge_attrs`].
    pub values: Vec<AttrValue>,
}

/// An undirected attributed graph.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    /// Node attribute names and types.
    pub node_attrs: Vec<(String, AttrType)>,
    /// Edge attribute names and types.
    pub edge_attrs: Vec<(String, AttrType)>,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
}

pub(crate) fn value_text(v: &AttrValue) -> String {
    match v {
        AttrValue::Int(x) => itoa::Buffer::new().format(*x).to_string(),
        AttrValue::Float(x) if x.is_finite() => ryu::Buffer::new().format(*x).to_string(),
        AttrValue::Float(_) => "NaN".to_string(),
        AttrValue::Text(s) => escape(s),
        AttrValue::Bool(b) => b.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small graph with hostile strings in it.
    pub fn sample() -> Graph {
        Graph {
            node_attrs: vec![
                ("campaign".into(), AttrType::Int),
                ("handle".into(), AttrType::Text),
            ],
            edge_attrs: vec![
                ("behaviours".into(), AttrType::Text),
                ("flag".into(), AttrType::Bool),
            ],
            nodes: vec![
                Node {
                    id: "1".into(),
                    label: "<script>alert(1)</script>".into(),
                    values: vec![
                        AttrValue::Int(1),
                        AttrValue::Text("a&b \"q\" 'x' \u{1}\u{202e}".into()),
                    ],
                },
                Node {
                    id: "2".into(),
                    label: "人民日报".into(),
                    values: vec![AttrValue::Int(1), AttrValue::Text("]]>".into())],
                },
            ],
            edges: vec![Edge {
                source: 0,
                target: 1,
                weight: 2.5,
                values: vec![
                    AttrValue::Text("co-repost co-text".into()),
                    AttrValue::Bool(true),
                ],
            }],
        }
    }
}
