//! Development driver: print the terms of each argument (`cargo run --example terms -- TEXT...`).
fn main() {
    let mut n = lockstep_narratives::terms::normaliser();
    let mut buf = String::new();
    for text in std::env::args().skip(1) {
        let mut out = Vec::new();
        lockstep_narratives::terms::terms(&mut n, &text, &mut buf, &mut out);
        let raw: Vec<&str> = lockstep_narratives::terms::jieba()
            .cut(&buf, true)
            .iter()
            .map(|t| t.word)
            .collect();
        println!(
            "{text}\n  jieba: {}\n  terms: {}",
            raw.join("|"),
            out.join(" | ")
        );
    }
}
