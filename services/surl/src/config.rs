//! `[surl]`: vc-surl's settings.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SurlSettings {
    /// The origin short links start with (`<base>/s/<code>`), e.g. a short
    /// domain routed to this service. Default: the all-in-one's
    /// `public_url`, else the origin the agent's request came to.
    pub public_base_url: Option<String>,
    /// Characters in a code (at least 8; 12 gives about 70 random bits).
    pub code_length: usize,
}

impl Default for SurlSettings {
    fn default() -> Self {
        Self { public_base_url: None, code_length: 12 }
    }
}
