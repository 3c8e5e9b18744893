use crate::{value_text, xml::escape, AttrType, Graph};
use std::io::{self, Write};

fn gexf_type(t: AttrType) -> &'static str {
    match t {
        AttrType::Int => "long",
        AttrType::Float => "double",
        AttrType::Text => "string",
        AttrType::Bool => "boolean",
    }
}

/// Write `g` as GEXF 1.2 (undirected, static), readable by Gephi and networkx.
pub fn write_gexf(out: &mut dyn Write, g: &Graph, description: &str) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">"#
    )?;
    writeln!(
        out,
        "  <meta><creator>lockstep {}</creator><description>{}</description></meta>",
        env!("CARGO_PKG_VERSION"),
        escape(description)
    )?;
    writeln!(
        out,
        r#"  <graph defaultedgetype="undirected" mode="static">"#
    )?;
    for (class, attrs) in [("node", &g.node_attrs), ("edge", &g.edge_attrs)] {
        if attrs.is_empty() {
            continue;
        }
        writeln!(out, r#"    <attributes class="{class}">"#)?;
        for (i, (name, t)) in attrs.iter().enumerate() {
            writeln!(
                out,
                r#"      <attribute id="{i}" title="{}" type="{}"/>"#,
                escape(name),
                gexf_type(*t)
            )?;
        }
        writeln!(out, "    </attributes>")?;
    }
    writeln!(out, "    <nodes>")?;
    for n in &g.nodes {
        write!(
            out,
            r#"      <node id="{}" label="{}">"#,
            escape(&n.id),
            escape(&n.label)
        )?;
        write_values(out, &n.values)?;
        writeln!(out, "</node>")?;
    }
    writeln!(out, "    </nodes>")?;
    writeln!(out, "    <edges>")?;
    for (i, e) in g.edges.iter().enumerate() {
        write!(
            out,
            r#"      <edge id="{i}" source="{}" target="{}" weight="{}">"#,
            escape(&g.nodes[e.source].id),
            escape(&g.nodes[e.target].id),
            ryu::Buffer::new().format(e.weight)
        )?;
        write_values(out, &e.values)?;
        writeln!(out, "</edge>")?;
    }
    writeln!(out, "    </edges>")?;
    writeln!(out, "  </graph>")?;
    writeln!(out, "</gexf>")?;
    Ok(())
}

fn write_values(out: &mut dyn Write, values: &[crate::AttrValue]) -> io::Result<()> {
    if values.is_empty() {
        return Ok(());
    }
    write!(out, "<attvalues>")?;
    for (i, v) in values.iter().enumerate() {
        write!(out, r#"<attvalue for="{i}" value="{}"/>"#, value_text(v))?;
    }
    write!(out, "</attvalues>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_gexf() {
        let mut buf = Vec::new();
        write_gexf(&mut buf, &crate::tests::sample(), "test <graph>").unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert!(s.contains(r#"label="&lt;script&gt;alert(1)&lt;/script&gt;""#));
        assert!(!s.contains("<script>"));
        assert!(s.contains(r#"<edge id="0" source="1" target="2" weight="2.5">"#));
        assert!(s.contains("人民日报"));
        assert!(!s.contains('\u{1}'));
    }
}
