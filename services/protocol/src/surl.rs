//! vc-surl: short links for client links.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use ts_rs::TS;
use utoipa::ToSchema;

use crate::ids::{InteractionId, UserId};

/// `v1/surl/links/create`: a short link that redirects to `target_url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateShortLink {
    pub interaction_id: InteractionId,
    /// The interaction's agent (who may read the open log).
    pub agent_id: UserId,
    /// The client link (`<public_url>/c/<token>`).
    pub target_url: String,
    /// The short link stops working then (and when the interaction ends).
    pub expires_at: DateTime<Utc>,
    /// The origin the request came to, used when `surl.public_base_url` is unset.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortLinkCreated {
    pub code: String,
    /// `<base>/s/<code>`
    pub short_url: String,
}

/// `v1/surl/links/opened`: a short link was opened (every open; `first` on the first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortLinkOpened {
    pub interaction_id: InteractionId,
    pub code: String,
    pub first: bool,
    pub at: DateTime<Utc>,
}

/// One open of a short link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct LinkOpen {
    pub at: DateTime<Utc>,
    pub user_agent: Option<String>,
    /// A keyed hash of the client's IP address: equal for opens from one
    /// address, without keeping the address.
    pub ip_hash: Option<String>,
}

/// `GET /api/interactions/{id}/link-opens`: every open of the interaction's short links, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct LinkOpens {
    pub opens: Vec<LinkOpen>,
}
