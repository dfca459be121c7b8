//! Who may upload to, list and read an interaction's files: its client
//! (client token of that interaction), its agent, supervisors of its team,
//! and admins; and which kinds of file an interaction takes (its call
//! functions). The interaction's agent, team, status and functions come
//! from vc-server over the bus (`v1/server/interactions/access`); answers
//! are reused for a few seconds for reads, never for uploads (the status
//! and the functions decide those).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use vc_protocol::auth::Role;
use vc_protocol::files::{FileKind, GetInteractionAccess, InteractionAccess};
use vc_protocol::interaction::Party;
use vc_protocol::settings::{Feature, FeatureSettings};
use vc_protocol::{ErrorCode, InteractionId, TeamId, UserId, topics};
use vc_runtime::{ApiError, Bus, BusError, Caller};

/// The most interactions remembered at once.
const MAX_ENTRIES: usize = 10_000;

/// The caller, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The client of this interaction.
    Client(InteractionId),
    /// An agent: only their own interactions.
    Agent(UserId),
    /// A supervisor: the interactions of the teams they oversee (as the
    /// access token says), and those they hold as the agent themselves.
    Supervisor { id: UserId, teams: Vec<TeamId> },
    /// Admins: every interaction.
    Admin(UserId),
}

impl Who {
    pub fn of(caller: &Caller) -> Who {
        match caller {
            Caller::Client(c) => Who::Client(c.sub),
            Caller::Staff(s) => match s.role {
                Role::Agent => Who::Agent(s.id),
                Role::Supervisor => Who::Supervisor { id: s.id, teams: s.claims.teams.clone() },
                Role::Admin => Who::Admin(s.id),
            },
        }
    }

    /// The side of the call an upload by this caller is on.
    pub fn party(&self) -> Party {
        match self {
            Who::Client(_) => Party::Client,
            Who::Agent(_) | Who::Supervisor { .. } | Who::Admin(_) => Party::Agent,
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Who::Client(_) => None,
            Who::Agent(u) | Who::Supervisor { id: u, .. } | Who::Admin(u) => Some(*u),
        }
    }

    /// Whether deciding needs vc-server's answer about the interaction:
    /// for every upload, and for reads by agents and supervisors (their
    /// reach depends on the interaction's agent and team).
    pub fn needs_lookup(&self, purpose: Purpose) -> bool {
        purpose == Purpose::Upload || matches!(self, Who::Agent(_) | Who::Supervisor { .. })
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
pub fn precheck(who: &Who, interaction: InteractionId) -> Result<(), ApiError> {
    match who {
        Who::Client(own) if *own != interaction => {
            Err(ApiError::forbidden("a client reaches only the files of its own interaction"))
        }
        _ => Ok(()),
    }
}

/// The decision once vc-server's answer (when needed) is known.
pub fn decide(who: &Who, purpose: Purpose, access: Option<&InteractionAccess>) -> Result<(), ApiError> {
    match (who, access) {
        (Who::Agent(me), Some(a)) if a.agent_id != *me => {
            return Err(ApiError::forbidden("this interaction belongs to another agent"));
        }
        (Who::Supervisor { id, teams }, Some(a))
            if a.agent_id != *id && !a.team_id.is_none_or(|t| teams.contains(&t)) =>
        {
            return Err(ApiError::forbidden("this interaction is not of a team you oversee"));
        }
        _ => {}
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

/// Whether the interaction's call functions take an upload of `kind`:
/// chat files need `files`, screenshots (also annotated ones) need
/// `screenshots`, HD photos need `hd_photo`. Recordings are stored by
/// vc-records, which decides for itself.
pub fn feature_allows(kind: FileKind, features: &FeatureSettings) -> Result<(), ApiError> {
    let needed = match kind {
        FileKind::Chat => Feature::Files,
        FileKind::Screenshot | FileKind::Annotated => Feature::Screenshots,
        FileKind::Photo => Feature::HdPhoto,
        FileKind::Recording => return Ok(()),
    };
    if features.enabled(needed) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::FeatureDisabled,
            format!("`{}` is switched off for this call: no {} upload", needed.as_str(), kind.as_str()),
        ))
    }
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
    precheck(&who, interaction)?;
    let access = if who.needs_lookup(purpose) {
        Some(cache.lookup(bus, interaction, purpose == Purpose::Upload).await?)
    } else {
        None
    };
    decide(&who, purpose, access.as_ref())?;
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
        assert!(precheck(&who, mine).is_ok());
        assert_eq!(precheck(&who, other).unwrap_err().code, ErrorCode::Forbidden);
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
        assert!(decide(&who, Purpose::Read, Some(&own)).is_ok());
        assert!(decide(&who, Purpose::Upload, Some(&own)).is_ok());
        assert_eq!(decide(&who, Purpose::Read, Some(&theirs)).unwrap_err().code, ErrorCode::Forbidden);
        assert_eq!(decide(&who, Purpose::Upload, Some(&theirs)).unwrap_err().code, ErrorCode::Forbidden);
        let mut of_a_team = theirs.clone();
        of_a_team.team_id = Some(TeamId::new());
        assert_eq!(
            decide(&who, Purpose::Read, Some(&of_a_team)).unwrap_err().code,
            ErrorCode::Forbidden,
            "a team is no reach for an agent"
        );
        assert_eq!(who.party(), Party::Agent);
    }

    #[test]
    fn admins_read_everything_without_asking() {
        let who = Who::Admin(UserId::new());
        assert!(!who.needs_lookup(Purpose::Read));
        assert!(decide(&who, Purpose::Read, None).is_ok());
        let mut a = access(InteractionId::new(), UserId::new(), InteractionStatus::Waiting);
        assert!(decide(&who, Purpose::Upload, Some(&a)).is_ok(), "an admin may add a file");
        a.team_id = Some(TeamId::new());
        assert!(decide(&who, Purpose::Read, Some(&a)).is_ok(), "of any team");
        assert!(decide(&who, Purpose::Upload, Some(&a)).is_ok());
        assert_eq!(who.party(), Party::Agent);
    }

    #[test]
    fn a_supervisor_reaches_the_interactions_of_their_teams_only() {
        let (me, agent, mine, other) = (UserId::new(), UserId::new(), TeamId::new(), TeamId::new());
        let who = Who::Supervisor { id: me, teams: vec![TeamId::new(), mine] };
        assert!(who.needs_lookup(Purpose::Read), "the team comes from vc-server");
        assert_eq!(who.user_id(), Some(me));
        assert_eq!(who.party(), Party::Agent);
        let with_team = |team: Option<TeamId>| {
            let mut a = access(InteractionId::new(), agent, InteractionStatus::Active);
            a.team_id = team;
            a
        };
        for purpose in [Purpose::Read, Purpose::Upload] {
            assert!(decide(&who, purpose, Some(&with_team(Some(mine)))).is_ok(), "{purpose:?}");
            // An agent outside every team is every supervisor's (docs/roles.md).
            assert!(decide(&who, purpose, Some(&with_team(None))).is_ok(), "{purpose:?}");
            assert_eq!(
                decide(&who, purpose, Some(&with_team(Some(other)))).unwrap_err().code,
                ErrorCode::Forbidden,
                "{purpose:?}"
            );
        }
        // A call the supervisor holds as the agent is theirs, team or not.
        let own = access(InteractionId::new(), me, InteractionStatus::Active);
        assert!(decide(&who, Purpose::Upload, Some(&own)).is_ok());
        assert!(decide(&who, Purpose::Read, Some(&own)).is_ok());
        // A supervisor of no team reaches only the calls of no team.
        let lone = Who::Supervisor { id: me, teams: vec![] };
        assert!(decide(&lone, Purpose::Read, Some(&with_team(None))).is_ok());
        assert_eq!(
            decide(&lone, Purpose::Read, Some(&with_team(Some(mine)))).unwrap_err().code,
            ErrorCode::Forbidden
        );
        // Without vc-server's answer nothing is decided for them.
        assert_eq!(decide(&who, Purpose::Read, None).unwrap_err().code, ErrorCode::Internal);
        // Their team's finished calls stay readable, take no more files.
        let mut over = with_team(Some(mine));
        over.status = InteractionStatus::Ended;
        assert!(decide(&who, Purpose::Read, Some(&over)).is_ok());
        assert_eq!(decide(&who, Purpose::Upload, Some(&over)).unwrap_err().code, ErrorCode::InteractionEnded);
    }

    #[test]
    fn the_role_in_the_token_picks_the_rule() {
        use vc_protocol::auth::{AccessClaims, TokenKind};
        let team = TeamId::new();
        let staff = |role: Role| {
            let claims = AccessClaims {
                iss: String::new(),
                aud: String::new(),
                sub: UserId::new(),
                typ: TokenKind::Access,
                login: "u".into(),
                name: "u".into(),
                role,
                team: None,
                teams: vec![team],
                ver: 0,
                sid: vc_protocol::ids::SessionId::new(),
                iat: 0,
                exp: 0,
                jti: String::new(),
            };
            Caller::Staff(vc_runtime::Staff {
                id: claims.sub,
                login: claims.login.clone(),
                role,
                session: claims.sid,
                claims,
            })
        };
        assert!(matches!(Who::of(&staff(Role::Agent)), Who::Agent(_)));
        assert!(matches!(Who::of(&staff(Role::Admin)), Who::Admin(_)));
        match Who::of(&staff(Role::Supervisor)) {
            Who::Supervisor { teams, .. } => assert_eq!(teams, vec![team]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_upload_needs_its_kinds_call_function() {
        let on = FeatureSettings::default();
        for kind in
            [FileKind::Chat, FileKind::Screenshot, FileKind::Annotated, FileKind::Photo, FileKind::Recording]
        {
            assert!(feature_allows(kind, &on).is_ok(), "{kind:?}");
        }
        let refused = |kind, features: &FeatureSettings| feature_allows(kind, features).map_err(|e| e.code);
        let no_files = FeatureSettings { files: false, ..on };
        assert_eq!(refused(FileKind::Chat, &no_files), Err(ErrorCode::FeatureDisabled));
        assert!(refused(FileKind::Screenshot, &no_files).is_ok());
        assert!(refused(FileKind::Photo, &no_files).is_ok());
        let no_screenshots = FeatureSettings { screenshots: false, ..on };
        assert_eq!(refused(FileKind::Screenshot, &no_screenshots), Err(ErrorCode::FeatureDisabled));
        assert_eq!(refused(FileKind::Annotated, &no_screenshots), Err(ErrorCode::FeatureDisabled));
        assert!(refused(FileKind::Photo, &no_screenshots).is_ok());
        assert!(refused(FileKind::Chat, &no_screenshots).is_ok());
        let no_photos = FeatureSettings { hd_photo: false, ..on };
        assert_eq!(refused(FileKind::Photo, &no_photos), Err(ErrorCode::FeatureDisabled));
        assert!(refused(FileKind::Screenshot, &no_photos).is_ok());
        // Recordings are vc-records' business, whatever the switches say.
        let all_off =
            FeatureSettings { files: false, screenshots: false, hd_photo: false, recording: false, ..on };
        assert!(refused(FileKind::Recording, &all_off).is_ok());
        let e = feature_allows(FileKind::Photo, &no_photos).unwrap_err();
        assert_eq!(e.code.http_status(), 403);
        assert!(e.message.contains("hd_photo"), "{}", e.message);
    }

    #[test]
    fn nothing_is_added_once_the_call_is_over_but_it_stays_readable() {
        let (id, me) = (InteractionId::new(), UserId::new());
        for status in [InteractionStatus::Ended, InteractionStatus::Failed] {
            let over = access(id, me, status);
            for who in [Who::Agent(me), Who::Client(id), Who::Admin(UserId::new())] {
                assert_eq!(
                    decide(&who, Purpose::Upload, Some(&over)).unwrap_err().code,
                    ErrorCode::InteractionEnded
                );
                assert!(decide(&who, Purpose::Read, Some(&over)).is_ok());
            }
        }
        for status in [InteractionStatus::Created, InteractionStatus::Waiting, InteractionStatus::Active] {
            assert!(decide(&Who::Client(id), Purpose::Upload, Some(&access(id, me, status))).is_ok());
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
