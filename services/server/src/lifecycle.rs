//! The interaction state machine, as pure functions:
//! `created` → `waiting` (link opened) → `active` (both connected) → `ended`
//! or `failed`.

use vc_protocol::interaction::InteractionStatus as S;

/// The client opened the link.
pub fn on_link_opened(status: S) -> Option<S> {
    (status == S::Created).then_some(S::Waiting)
}

/// Media connection states changed.
pub fn on_media(status: S, agent_connected: bool, client_connected: bool) -> Option<S> {
    (agent_connected && client_connected && matches!(status, S::Created | S::Waiting)).then_some(S::Active)
}

/// Someone ends the call. `None` when it is already over.
pub fn on_end(status: S) -> Option<S> {
    (!status.is_final()).then_some(S::Ended)
}

/// A party did not come back within the grace period.
pub fn on_timeout(status: S) -> Option<S> {
    (!status.is_final()).then_some(S::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path() {
        let s = on_link_opened(S::Created).unwrap();
        assert_eq!(s, S::Waiting);
        assert_eq!(on_media(s, true, false), None);
        let s = on_media(s, true, true).unwrap();
        assert_eq!(s, S::Active);
        assert_eq!(on_end(s), Some(S::Ended));
    }

    #[test]
    fn transitions_that_do_not_apply() {
        // Reopening the link later changes nothing.
        assert_eq!(on_link_opened(S::Waiting), None);
        assert_eq!(on_link_opened(S::Active), None);
        // A reconnect during the call does not restart it.
        assert_eq!(on_media(S::Active, true, true), None);
        // Both may connect before the client's page reports the link opened.
        assert_eq!(on_media(S::Created, true, true), Some(S::Active));
    }

    #[test]
    fn final_states_are_final() {
        for s in [S::Ended, S::Failed] {
            assert_eq!(on_end(s), None);
            assert_eq!(on_timeout(s), None);
            assert_eq!(on_media(s, true, true), None);
            assert_eq!(on_link_opened(s), None);
        }
        assert_eq!(on_timeout(S::Active), Some(S::Failed));
        assert_eq!(on_timeout(S::Waiting), Some(S::Failed));
    }
}
