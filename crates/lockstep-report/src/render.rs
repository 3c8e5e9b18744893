//! Assembling the page: template, styles, scripts, data and the policy that ties them.

use crate::escape::{content_security_policy, csp_hash, script_json};
use serde_json::{json, Value};

const TEMPLATE: &str = include_str!("../assets/report.html");
const STYLE: &str = include_str!("../assets/report.css");
const APP: &str = include_str!("../assets/report.js");
const GRAPHOLOGY: &str = include_str!("../assets/vendor/graphology.umd.min.js");
const SIGMA: &str = include_str!("../assets/vendor/sigma.min.js");

/// Vendored libraries: (name, version, licence, licence text).
const VENDORED: [(&str, &str, &str, &str); 4] = [
    (
        "sigma",
        "3.0.3",
        "MIT",
        include_str!("../assets/vendor/LICENSE-sigma.txt"),
    ),
    (
        "graphology",
        "0.26.0",
        "MIT",
        include_str!("../assets/vendor/LICENSE-graphology.txt"),
    ),
    (
        "events (bundled in sigma)",
        "3.3.0",
        "MIT",
        include_str!("../assets/vendor/LICENSE-events.txt"),
    ),
    (
        "graphology-utils (bundled in sigma)",
        "2.5.2",
        "MIT",
        include_str!("../assets/vendor/LICENSE-graphology-utils.txt"),
    ),
];

/// A vendored bundle without its source-map comment (the map is not shipped).
fn strip_source_map(js: &str) -> &str {
    match js.rfind("//# sourceMappingURL=") {
        Some(i) => js[..i].trim_end(),
        None => js,
    }
}

/// The page for `data` (as built by [`crate::input::collect`]).
pub fn render_html(data: &Value) -> String {
    let scripts = [strip_source_map(GRAPHOLOGY), strip_source_map(SIGMA), APP];
    let script_hashes: Vec<String> = scripts.iter().map(|s| csp_hash(s)).collect();
    let csp = content_security_policy(&script_hashes, &[csp_hash(STYLE)]);
    let licences = json!(VENDORED
        .iter()
        .map(|(n, v, l, t)| json!({"name": n, "version": v, "licence": l, "text": t}))
        .collect::<Vec<_>>());
    let data_json = script_json(data);
    let licences_json = script_json(&licences);

    let mut out = String::with_capacity(
        TEMPLATE.len()
            + STYLE.len()
            + scripts.iter().map(|s| s.len()).sum::<usize>()
            + data_json.len()
            + licences_json.len()
            + 1024,
    );
    // The template's placeholders are filled in one pass, left to right, so text in the
    // data can never be taken for a placeholder.
    let mut rest = TEMPLATE;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find("}}") else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        match &rest[i + 2..i + j] {
            "CSP" => out.push_str(&csp),
            "STYLE" => out.push_str(STYLE),
            "DATA" => out.push_str(&data_json),
            "LICENCES" => out.push_str(&licences_json),
            "SCRIPTS" => {
                for s in scripts {
                    out.push_str("<script>");
                    out.push_str(s);
                    out.push_str("</script>\n");
                }
            }
            other => {
                out.push_str("{{");
                out.push_str(other);
                out.push_str("}}");
            }
        }
        rest = &rest[i + j + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_scripts_cannot_close_their_element() {
        for s in [GRAPHOLOGY, SIGMA, APP] {
            assert!(!s.to_ascii_lowercase().contains("</script"));
            assert!(!s.contains("<!--"));
        }
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
    }

    #[test]
    fn page_has_policy_hashes_and_escaped_data() {
        let data = json!({"campaigns": [{"id": 1, "name": "</script><script>alert(1)</script>"}]});
        let html = render_html(&data);
        assert!(html.starts_with("<!DOCTYPE html>"));
        // Exactly one executable script per bundle plus the app, each hashed in the policy.
        let csp_start = html.find("Content-Security-Policy").unwrap();
        let csp = &html[csp_start..html[csp_start..].find('>').unwrap() + csp_start];
        for s in [strip_source_map(GRAPHOLOGY), strip_source_map(SIGMA), APP] {
            assert!(html.contains(&format!("<script>{s}</script>")));
            assert!(csp.contains(&csp_hash(s)));
        }
        assert!(csp.contains(&csp_hash(STYLE)));
        assert!(html.contains(&format!("<style>{STYLE}</style>")));
        assert!(!html.contains("alert(1)</script>"));
        assert!(html.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
        // The policy comes before any script or style.
        assert!(csp_start < html.find("<style>").unwrap());
        assert!(csp_start < html.find("<script").unwrap());
        // Only the scripts we hashed plus the two JSON blocks.
        assert_eq!(html.matches("<script").count(), 5);
        assert_eq!(html.matches("<script type=\"application/json\"").count(), 2);
        assert!(!html.contains("sourceMappingURL"));
        assert!(!html.contains("{{"));
    }

    #[test]
    fn placeholders_in_data_stay_data() {
        let html = render_html(&json!({"t": "{{SCRIPTS}} {{CSP}}"}));
        assert!(html.contains("\"t\":\"{{SCRIPTS}} {{CSP}}\""));
    }
}
