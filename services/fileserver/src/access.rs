//! Who may upload to, list and read an interaction's files: its client
//! (client token of that interaction), its agent, and supervisors and
//! admins. The interaction's agent and status come from vc-server over the
//! bus (`v1/server/interactions/access`); answers are reused for a few
//! seconds for reads, never for uploads (the status decides those).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use vc_protocol::auth::Role;
use vc_protocol::files::{GetInteractionAccess, InteractionAccess};
use vc_protocol::interaction::Party;
use vc_protocol::{ErrorCode, InteractionId, UserId, topics};
use vc_runtime::{ApiError, Bus, BusError, Caller};

/// The most interactions remembered at once.
const MAX_ENTRIES: usize = 10_000;

/// The caller, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The client of this interaction.
    Client(InteractionId),
    /// An agent: only their own interactions.
    Agent(UserId),
    /// Supervisors and admins: every interaction.
    Overseer(UserId),
}

impl Who {
    pub fn of(caller: &Caller) -> Who {
        match caller {
            Caller::Client(c) => Who::Client(c.sub),
            Caller::Staff(s) if s.role == Role::Agent => Who::Agent(s.id),
            Caller::Staff(s) => Who::Overseer(s.id),
        }
    }

    /// The side of the call an upload by this caller is on.
    pub fn party(self) -> Party {
        match self {
            Who::Client(_) => Party::Client,
            Who::Agent(_) | Who::Overseer(_) => Party::Agent,
        }
    }

    pub fn user_id(self) -> Option<UserId> {
        match self {
            Who::Client(_) => None,
            Who::Agent(u) | Who::Overseer(u) => Some(u),
        }
    }

    /// Whether deciding needs vc-server's answer about the interaction.
    pub fn needs_lookup(self, purpose: Purpose) -> bool {
        purpose == Purpose::Upload || matches!(self, Who::Agent(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// List or read the interaction's files.
    Read,
    /// Add a file: only while the interaction is not over.
    Upload,
}

/// Before any lookup: a client reaches only its own interaction.
pub fn precheck(who: Who, interaction: InteractionId) -> Result<(), ApiError> {
    match who {
        Who::Client(own) if own != interaction => {
            Err(ApiError::forbidden("a client reaches only the files of its own interaction"))
        }
        _ => Ok(()),
    }
}

/// The decision once vc-server's answer (when needed) is known.
pub fn decide(who: Who, purpose: Purpose, access: Option<&InteractionAccess>) -> Result<(), ApiError> {
    if let (Who::Agent(me), Some(a)) = (who, access)
        && a.agent_id != me
    {
        return Err(ApiError::forbidden("this interaction belongs to another agent"));
    }
    if who.needs_lookup(purpose) && access.is_none() {
        return Err(ApiError::internal("interaction access was not looked up"));
    }
    if purpose == Purpose::Upload
        && let Some(a) = access
        && a.status.is_final()
    {
        return Err(ApiError::new(ErrorCode::InteractionEnded, "the interaction is over: no more files"));
    }
    Ok(())
}

/// vc-server's answers, kept for a few seconds.
pub struct AccessCache {
    ttl: Duration,
    entries: Mutex<HashMap<InteractionId, (InteractionAccess, Instant)>>,
}

impl AccessCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::new(HashMap::new()) }
    }

    fn cached(&self, id: InteractionId) -> Option<InteractionAccess> {
        let map = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(&id).filter(|(_, at)| at.elapsed() < self.ttl).map(|(a, _)| a.clone())
    }

    fn remember(&self, access: &InteractionAccess) {
        if self.ttl.is_zero() {
            return;
        }
        let mut map = self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            map.retain(|_, (_, at)| at.elapsed() < ttl);
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(access.interaction_id, (access.clone(), Instant::now()));
    }

    /// The interaction's agent and status: from the cache when `fresh` is
    /// false and a recent answer is there, else from vc-server.
    pub async fn lookup(
        &self,
        bus: &Bus,
        id: InteractionId,
        fresh: bool,
    ) -> Result<InteractionAccess, ApiError> {
        if !fresh && let Some(a) = self.cached(id) {
            return Ok(a);
        }
        let answer = bus
            .request(&topics::server::interaction_access(), &GetInteractionAccess { interaction_id: id })
            .await;
        match answer {
            Ok(a) => {
                self.remember(&a);
                Ok(a)
            }
            Err(BusError::Remote { code, .. }) if code == ErrorCode::InteractionNotFound.as_str() => {
                Err(ApiError::new(ErrorCode::InteractionNotFound, "no such interaction"))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Checks that `caller` may do `purpose` with `interaction`'s files.
pub async fn authorise(
    cache: &AccessCache,
    bus: &Bus,
    caller: &Caller,
    interaction: InteractionId,
    purpose: Purpose,
) -> Result<Who, ApiError> {
    Ok(check(cache, bus, caller, interaction, purpose).await?.0)
}

/// Checks that `caller` may add a file to `interaction`; with vc-server's
/// fresh answer (the client's last position is in it).
pub async fn authorise_upload(
    cache: &AccessCache,
    bus: &Bus,
    caller: &Caller,
    interaction: InteractionId,
) -> Result<(Who, InteractionAccess), ApiError> {
    match check(cache, bus, caller, interaction, Purpose::Upload).await? {
        (who, Some(access)) => Ok((who, access)),
        (_, None) => Err(ApiError::internal("interaction access was not looked up")),
    }
}

async fn check(
    cache: &AccessCache,
    bus: &Bus,
    caller: &Caller,
    interaction: InteractionId,
    purpose: Purpose,
) -> Result<(Who, Option<InteractionAccess>), ApiError> {
    let who = Who::of(caller);
    precheck(who, interaction)?;
    let access = if who.needs_lookup(purpose) {
        Some(cache.lookup(bus, interaction, purpose == Purpose::Upload).await?)
    } else {
        None
    };
    decide(who, purpose, access.as_ref())?;
    Ok((who, access))
}

#[cfg(test)]
mod tests {
    use vc_protocol::interaction::{InteractionStatus, Presence};

    use super::*;

    fn access(id: InteractionId, agent: UserId, status: InteractionStatus) -> InteractionAccess {
        InteractionAccess {
            interaction_id: id,
            agent_id: agent,
            status,
            presence: Presence { agent: true, client: true },
            location: None,
            features: Default::default(),
            team_id: None,
        }
    }

    #[test]
    fn a_client_reaches_only_its_own_interaction() {
        let (mine, other) = (InteractionId::new(), InteractionId::new());
        let who = Who::Client(mine);
        assert!(precheck(who, mine).is_ok());
        assert_eq!(precheck(who, other).unwrap_err().code, ErrorCode::Forbidden);
        assert!(!who.needs_lookup(Purpose::Read));
        assert!(who.needs_lookup(Purpose::Upload));
        assert_eq!(who.party(), Party::Client);
        assert_eq!(who.user_id(), None);
    }

    #[test]
    fn an_agent_reaches_only_their_interactions() {
        let (id, me, someone) = (InteractionId::new(), UserId::new(), UserId::new());
        let who = Who::Agent(me);
        assert!(who.needs_lookup(Purpose::Read));
        let own = access(id, me, InteractionStatus::Active);
        let theirs = access(id, someone, InteractionStatus::Active);
        assert!(decide(who, Purpose::Read, Some(&own)).is_ok());
        assert!(decide(who, Purpose::Upload, Some(&own)).is_ok());
        assert_eq!(decide(who, Purpose::Read, Some(&theirs)).unwrap_err().code, ErrorCode::Forbidden);
        assert_eq!(decide(who, Purpose::Upload, Some(&theirs)).unwrap_err().code, ErrorCode::Forbidden);
        assert_eq!(who.party(), Party::Agent);
    }

    #[test]
    fn supervisors_and_admins_read_everything_without_asking() {
        let who = Who::Overseer(UserId::new());
        assert!(!who.needs_lookup(Purpose::Read));
        assert!(decide(who, Purpose::Read, None).is_ok());
        let a = access(InteractionId::new(), UserId::new(), InteractionStatus::Waiting);
        assert!(decide(who, Purpose::Upload, Some(&a)).is_ok(), "an overseer may add a file");
    }

    #[test]
    fn nothing_is_added_once_the_call_is_over_but_it_stays_readable() {
        let (id, me) = (InteractionId::new(), UserId::new());
        for status in [InteractionStatus::Ended, InteractionStatus::Failed] {
            let over = access(id, me, status);
            for who in [Who::Agent(me), Who::Client(id), Who::Overseer(UserId::new())] {
                assert_eq!(
                    decide(who, Purpose::Upload, Some(&over)).unwrap_err().code,
                    ErrorCode::InteractionEnded
                );
                assert!(decide(who, Purpose::Read, Some(&over)).is_ok());
            }
        }
        for status in [InteractionStatus::Created, InteractionStatus::Waiting, InteractionStatus::Active] {
            assert!(decide(Who::Client(id), Purpose::Upload, Some(&access(id, me, status))).is_ok());
        }
    }

    #[test]
    fn the_cache_forgets_after_its_ttl() {
        let a = access(InteractionId::new(), UserId::new(), InteractionStatus::Active);
        let cache = AccessCache::new(Duration::from_millis(30));
        cache.remember(&a);
        assert_eq!(cache.cached(a.interaction_id), Some(a.clone()));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.cached(a.interaction_id), None);
        let off = AccessCache::new(Duration::ZERO);
        off.remember(&a);
        assert_eq!(off.cached(a.interaction_id), None);
    }
}
