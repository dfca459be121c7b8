//! Small serde helpers for request bodies.

use serde::{Deserialize, Deserializer};

/// `true`, for `#[serde(default = ...)]` of fields that older senders omit.
pub fn yes() -> bool {
    true
}

/// For `PATCH` fields where absent (`None`), `null` (`Some(None)`) and a
/// value (`Some(Some(v))`) mean different things. Use with `#[serde(default)]`.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "super::double_option")]
        v: Option<Option<u32>>,
    }

    #[test]
    fn absent_null_and_value_differ() {
        let p: Patch = serde_json::from_str("{}").unwrap();
        assert_eq!(p.v, None);
        let p: Patch = serde_json::from_str(r#"{"v":null}"#).unwrap();
        assert_eq!(p.v, Some(None));
        let p: Patch = serde_json::from_str(r#"{"v":3}"#).unwrap();
        assert_eq!(p.v, Some(Some(3)));
    }
}
