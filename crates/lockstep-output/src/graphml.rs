use crate::{value_text, xml::escape, AttrType, AttrValue, Graph};
use std::io::{self, Write};

fn graphml_type(t: AttrType) -> &'static str {
    match t {
        AttrType::Int => "long",
        AttrType::Float => "double",
        AttrType::Text => "string",
        AttrType::Bool => "boolean",
    }
}

/// Write `g` as undirected GraphML with typed keys (`label` and `weight` included).
pub fn write_graphml(out: &mut dyn Write, g: &Graph) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    // Each domain's built-in key first, then its attributes as `n0`, `n1`, ... / `e0`, ...
    for (domain, prefix, (id, ty), attrs) in [
        ("node", 'n', ("label", "string"), &g.node_attrs),
        ("edge", 'e', ("weight", "double"), &g.edge_attrs),
    ] {
        writeln!(
            out,
            r#"  <key id="{id}" for="{domain}" attr.name="{id}" attr.type="{ty}"/>"#
        )?;
        for (i, (name, t)) in attrs.iter().enumerate() {
            writeln!(
                out,
                r#"  <key id="{prefix}{i}" for="{domain}" attr.name="{}" attr.type="{}"/>"#,
                escape(name),
                graphml_type(*t)
            )?;
        }
    }
    writeln!(out, r#"  <graph id="lockstep" edgedefault="undirected">"#)?;
    for n in &g.nodes {
        write!(
            out,
            r#"    <node id="{}"><data key="label">{}</data>"#,
            escape(&n.id),
            escape(&n.label)
        )?;
        write_data(out, 'n', &n.values)?;
        writeln!(out, "</node>")?;
    }
    for e in &g.edges {
        write!(
            out,
            r#"    <edge source="{}" target="{}"><data key="weight">{}</data>"#,
            escape(&g.nodes[e.source].id),
            escape(&g.nodes[e.target].id),
            ryu::Buffer::new().format(e.weight)
        )?;
        write_data(out, 'e', &e.values)?;
        writeln!(out, "</edge>")?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")?;
    Ok(())
}

/// The `<data>` elements of a node's or edge's attribute values, keyed as declared.
fn write_data(out: &mut dyn Write, prefix: char, values: &[AttrValue]) -> io::Result<()> {
    for (i, v) in values.iter().enumerate() {
        write!(out, r#"<data key="{prefix}{i}">{}</data>"#, value_text(v))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_graphml() {
        let mut buf = Vec::new();
        write_graphml(&mut buf, &crate::tests::sample()).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert!(s.contains(r#"<key id="n0" for="node" attr.name="campaign" attr.type="long"/>"#));
        assert!(s.contains("]]&gt;"));
        assert!(!s.contains("<script>"));
        assert!(s.contains(r#"<edge source="1" target="2"><data key="weight">2.5</data>"#));
    }
}
