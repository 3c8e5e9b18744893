//! Small accessors over `serde_json::Value` that treat `null` as absent and accept the
//! type variations real exports have (ids as strings or numbers).

use serde_json::Value;

/// Member `k` of an object, None if absent, null, or `v` is not an object.
pub(crate) fn get<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    match v.get(k) {
        Some(Value::Null) | None => None,
        Some(x) => Some(x),
    }
}

/// Member at a path of keys.
pub(crate) fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in keys {
        cur = get(cur, k)?;
    }
    Some(cur)
}

/// String member `k` (None if absent or not a string).
pub(crate) fn str_at<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    get(v, k).and_then(Value::as_str)
}

/// An id: a string, or an integer number written as JSON number. Floats are refused
/// (they have lost digits).
pub(crate) fn id_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

/// Id member `k`.
pub(crate) fn id_at(v: &Value, k: &str) -> Option<String> {
    get(v, k).and_then(id_value)
}

/// Array member `k` (empty if absent or not an array).
pub(crate) fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    match get(v, k) {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

/// Name of a JSON value's type, for messages.
pub(crate) fn type_name(v: Option<&Value>) -> &'static str {
    match v {
        None => "nothing",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "a boolean",
        Some(Value::Number(_)) => "a number",
        Some(Value::String(_)) => "a string",
        Some(Value::Array(_)) => "an array",
        Some(Value::Object(_)) => "an object",
    }
}

/// Parse one JSON record, with a reason fit for the quarantine on failure.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, String> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(format!(
            "invalid UTF-8 at byte {} of the record",
            e.valid_up_to()
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON: {e}"))
}

/// A required id member, with a reason when missing or of the wrong type.
pub(crate) fn need_id(v: &Value, k: &str, what: &str) -> Result<String, String> {
    match get(v, k) {
        None => Err(format!("missing {what} ('{k}')")),
        Some(x) => id_value(x).ok_or_else(|| {
            format!(
                "{what} ('{k}') should be a string or an integer, found {}",
                type_name(Some(x))
            )
        }),
    }
}
