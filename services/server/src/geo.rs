//! The client's position: checked, given its street address by vc-geo, and
//! the agent's requests for it (or for a photo) in the event log.

use std::time::Duration;

use chrono::{DateTime, Utc};
use vc_protocol::control::RequestKind;
use vc_protocol::geo::{GeoLang, Location, MapLinks, ReverseGeocode, valid_point};
use vc_protocol::interaction::{EventKind, InteractionEvent};
use vc_protocol::{RequestId, topics};
use vc_runtime::ApiError;

use crate::state::ServerState;

/// How long the client's acknowledgement may wait for the address. vc-geo
/// answers from its cache at once, and asks its provider at most once a
/// second; past this the location is stored without an address.
const ADDRESS_WAIT: Duration = Duration::from_secs(5);

/// A position as the client's page sent it.
#[derive(Debug, Clone)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub altitude_m: Option<f64>,
    pub measured_at_ms: i64,
    pub lang: GeoLang,
}

/// A checked position.
#[derive(Debug, Clone)]
pub struct CheckedFix {
    fix: Fix,
    measured_at: DateTime<Utc>,
}

impl Fix {
    pub fn checked(self) -> Result<CheckedFix, ApiError> {
        if !valid_point(self.lat, self.lon) {
            return Err(ApiError::validation("lat, lon: degrees, -90..90 and -180..180"));
        }
        if !self.accuracy_m.is_finite() || self.accuracy_m < 0.0 {
            return Err(ApiError::validation("accuracy_m: metres, 0 or more"));
        }
        if self.altitude_m.is_some_and(|a| !a.is_finite()) {
            return Err(ApiError::validation("altitude_m: metres"));
        }
        let measured_at = DateTime::<Utc>::from_timestamp_millis(self.measured_at_ms)
            .ok_or_else(|| ApiError::validation("measured_at_ms: epoch milliseconds"))?;
        Ok(CheckedFix { fix: self, measured_at })
    }
}

/// The position with its address (none when vc-geo cannot say) and map links.
pub async fn locate(state: &ServerState, c: CheckedFix) -> Location {
    let Fix { lat, lon, accuracy_m, altitude_m, lang, .. } = c.fix;
    let ask = ReverseGeocode { lat, lon, lang };
    let (address, tile) = match state
        .bus
        .request_with_timeout(&topics::geo::reverse(), &ask, ADDRESS_WAIT)
        .await
    {
        Ok(found) => {
            if let Some(why) = &found.failure {
                tracing::info!(failure = %why, "no address for a location");
            }
            (found.address, found.tile)
        }
        Err(e) => {
            tracing::warn!(error = %e, "vc-geo did not answer; the location is stored without an address");
            (None, None)
        }
    };
    Location {
        lat,
        lon,
        accuracy_m,
        altitude_m,
        measured_at: c.measured_at,
        received_at: Utc::now(),
        address,
        links: MapLinks::for_point(lat, lon),
        tile,
    }
}

/// What a request asked for and whether it is still open (no answer yet);
/// None when the log has no such request.
pub fn request_state(events: &[InteractionEvent], id: RequestId) -> Option<(RequestKind, bool)> {
    let mut found = None;
    for e in events {
        match &e.event {
            EventKind::Requested { request_id, what } if *request_id == id => found = Some((*what, true)),
            EventKind::RequestAnswered { request_id, .. } if *request_id == id => {
                found = found.map(|(what, _)| (what, false));
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(lat: f64, lon: f64, accuracy_m: f64) -> Fix {
        Fix { lat, lon, accuracy_m, altitude_m: None, measured_at_ms: 1_700_000_000_000, lang: GeoLang::Ru }
    }

    #[test]
    fn positions_are_checked() {
        assert!(fix(55.75, 37.62, 20.0).checked().is_ok());
        assert!(fix(95.0, 37.62, 20.0).checked().is_err());
        assert!(fix(55.75, 37.62, -1.0).checked().is_err());
        assert!(fix(55.75, 37.62, f64::INFINITY).checked().is_err());
        let mut f = fix(55.75, 37.62, 5.0);
        f.altitude_m = Some(f64::NAN);
        assert!(f.checked().is_err());
        let mut f = fix(55.75, 37.62, 5.0);
        f.measured_at_ms = i64::MAX;
        assert!(f.checked().is_err());
    }

    #[test]
    fn a_request_is_open_until_answered() {
        let (a, b) = (RequestId::new(), RequestId::new());
        let ev = |seq, event| InteractionEvent { seq, at: Utc::now(), event };
        let mut log = vec![
            ev(1, EventKind::Requested { request_id: a, what: RequestKind::Location }),
            ev(2, EventKind::Requested { request_id: b, what: RequestKind::Photo }),
        ];
        assert_eq!(request_state(&log, a), Some((RequestKind::Location, true)));
        log.push(ev(
            3,
            EventKind::RequestAnswered {
                request_id: a,
                what: RequestKind::Location,
                outcome: vc_protocol::control::RequestOutcome::Declined,
                detail: None,
            },
        ));
        assert_eq!(request_state(&log, a), Some((RequestKind::Location, false)));
        assert_eq!(request_state(&log, b), Some((RequestKind::Photo, true)));
        assert_eq!(request_state(&log, RequestId::new()), None);
    }
}
