//! Newtypes for identifiers. Every id is a UUID (v7, so ids sort by creation
//! time) serialised as its hyphenated string in JSON and BSON alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                Self(u)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0.hyphenated())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Uuid::parse_str(&s).map(Self).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Uuid,
                    )))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &ts_rs::Config) -> String {
                "string".into()
            }
            fn inline(_: &ts_rs::Config) -> String {
                "string".into()
            }
        }
    };
}

id_type!(
    /// A staff user (admin, supervisor or agent).
    UserId
);
id_type!(
    /// One message on the bus; handlers use it to stay idempotent.
    MessageId
);
id_type!(
    /// A refresh-token family: every token rotated from one login.
    SessionId
);
id_type!(
    /// One customer interaction (and its media room, which shares the id).
    InteractionId
);
id_type!(
    /// One connection of a party to a media room (a new one on every rejoin).
    PeerId
);
id_type!(
    /// One delivery of a client link (SMS, Telegram, e-mail, webhook).
    DeliveryId
);
id_type!(
    /// One chat message of an interaction.
    ChatMessageId
);
id_type!(
    /// One stored file (chat file, screenshot, recording).
    FileId
);
id_type!(
    /// A team: agents grouped under supervisors.
    TeamId
);
id_type!(
    /// An uploaded company logo (branding).
    LogoId
);
id_type!(
    /// One question of the post-call survey.
    QuestionId
);
id_type!(
    /// One run of the storage retention job.
    CleanupId
);
id_type!(
    /// One request of the agent to the client's page (location, photo).
    RequestId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_round_trips_as_plain_string() {
        let id = UserId::new();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        let back: UserId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn malformed_id_is_rejected() {
        assert!(serde_json::from_str::<UserId>("\"not-a-uuid\"").is_err());
    }

    #[test]
    fn ids_sort_by_creation() {
        let a = MessageId::new();
        let b = MessageId::new();
        assert!(a < b);
    }
}
