//! The MongoDB filter of an interaction search (`GET /api/interactions` and
//! its Excel export share it, so both see the same calls).

use mongodb::bson::{Bson, Document, doc};
use vc_protocol::stat::QualityRating;

use crate::store::{ListFilter, to_bson};

/// The `find` filter for `f` over the `interactions` collection.
pub fn list_filter_doc(f: &ListFilter) -> Document {
    let mut q = Document::new();
    if let Some(a) = f.agent_id {
        q.insert("agent_id", a.to_string());
    }
    if let Some(s) = f.status {
        q.insert("status", s.as_str());
    }
    if let Some(scope) = &f.teams {
        let mut teams: Vec<Bson> = scope.teams.iter().map(|t| Bson::String(t.to_string())).collect();
        if scope.teamless {
            teams.push(Bson::Null);
        }
        match scope.or_agent {
            Some(a) => {
                q.insert("$or", vec![doc! {"team_id": {"$in": teams}}, doc! {"agent_id": a.to_string()}]);
            }
            None => {
                q.insert("team_id", doc! {"$in": teams});
            }
        }
    }
    if let Some(p) = &f.phone {
        q.insert("client_phone", p.clone());
    }
    if let Some((k, v)) = &f.field {
        q.insert(format!("custom_search.{k}"), v.clone());
    }
    match f.quality {
        Some(QualityRating::Unknown) => {
            let rated =
                [QualityRating::Good, QualityRating::Fair, QualityRating::Poor].map(QualityRating::as_str);
            q.insert("metrics.quality.rating", doc! {"$nin": rated.to_vec()});
        }
        Some(r) => {
            q.insert("metrics.quality.rating", r.as_str());
        }
        None => {}
    }
    let mut range = Document::new();
    if let Some(from) = f.from {
        range.insert("$gte", to_bson(from));
    }
    if let Some(to) = f.to {
        range.insert("$lt", to_bson(to));
    }
    if !range.is_empty() {
        q.insert("created_at", range);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::TeamScope;
    use vc_protocol::{TeamId, UserId};

    #[test]
    fn a_supervisor_scope_is_its_teams_teamless_calls_and_its_own() {
        let team = TeamId::new();
        let me = UserId::new();
        let f = ListFilter {
            teams: Some(TeamScope { teams: vec![team], teamless: true, or_agent: Some(me) }),
            quality: Some(QualityRating::Poor),
            ..ListFilter::default()
        };
        let q = list_filter_doc(&f);
        let or = q.get_array("$or").unwrap();
        assert_eq!(or.len(), 2);
        assert_eq!(q.get_str("metrics.quality.rating").unwrap(), "poor");
        assert!(list_filter_doc(&ListFilter::default()).is_empty());
    }
}
