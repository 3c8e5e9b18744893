use crate::{value_text, xml::escape, AttrType, Graph};
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
    writeln!(
        out,
        r#"  <key id="label" for="node" attr.name="label" attr.type="string"/>"#
    )?;
    for (i, (name, t)) in g.node_attrs.iter().enumerate() {
        writeln!(
            out,
            r#"  <key id="n{i}" for="node" attr.name="{}" attr.type="{}"/>"#,
            escape(name),
            graphml_type(*t)
        )?;
    }
    writeln!(
        out,
        r#"  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>"#
    )?;
    for (i, (name, t)) in g.edge_attrs.iter().enumerate() {
        writeln!(
            out,
            r#"  <key id="e{i}" for="edge" attr.name="{}" attr.type="{}"/>"#,
            escape(name),
            graphml_type(*t)
        )?;
    }
    writeln!(out, r#"  <graph id="lockstep" edgedefault="undirected">"#)?;
    for n in &g.nodes {
        write!(
            out,
            r#"    <node id="{}"><data key="label">{}</data>"#,
            escape(&n.id),
            escape(&n.label)
        )?;
        for (i, v) in n.values.iter().enumerate() {
            write!(out, r#"<data key="n{i}">{}</data>"#, value_text(v))?;
        }
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
        for (i, v) in e.values.iter().enumerate() {
            write!(out, r#"<data key="e{i}">{}</data>"#, value_text(v))?;
        }
        writeln!(out, "</edge>")?;
    }
    writeln!(out, "  </graph>")?;
    writeln!(out, "</graphml>")?;
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
