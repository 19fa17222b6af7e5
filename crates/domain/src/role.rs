//! Roles and what each may do. Handlers ask for a [`Permission`]; only this file decides.

use serde::{Deserialize, Serialize};

/// A user's (or API key's) role within its tenant.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// Calls leads and records outcomes; reads campaigns and leads; adds do-not-call requests.
    Agent,
    /// Runs campaigns: creates and changes campaigns, imports leads, manages do-not-call.
    Manager,
    /// Everything a manager does, plus users and API keys.
    Admin,
    /// The tenant's owner: everything, including creating other owners.
    Owner,
}

/// Something a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read campaigns, leads, imports and do-not-call entries.
    Read,
    /// Add a number to the do-not-call list (every role: a caller's request must be honoured).
    AddDoNotCall,
    /// Create, change and delete campaigns and leads; import; remove do-not-call entries.
    ManageCampaigns,
    /// Create and change users and API keys, and the tenant's settings.
    ManageUsers,
}

impl Role {
    /// All roles, least privileged first.
    pub const ALL: [Role; 4] = [Role::Agent, Role::Manager, Role::Admin, Role::Owner];

    /// Whether this role grants `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read | Permission::AddDoNotCall => true,
            Permission::ManageCampaigns => self >= Role::Manager,
            Permission::ManageUsers => self >= Role::Admin,
        }
    }

    /// Whether a user with this role may give `other` to a user or key. Nobody grants more than
    /// they hold, and only owners make owners.
    pub fn can_grant(self, other: Role) -> bool {
        self.allows(Permission::ManageUsers) && other <= self
    }

    /// The name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Role> {
        s.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_read_and_add_dnc_but_manage_nothing() {
        assert!(Role::Agent.allows(Permission::Read));
        assert!(Role::Agent.allows(Permission::AddDoNotCall));
        assert!(!Role::Agent.allows(Permission::ManageCampaigns));
        assert!(!Role::Agent.allows(Permission::ManageUsers));
    }

    #[test]
    fn managers_run_campaigns_but_not_users() {
        assert!(Role::Manager.allows(Permission::ManageCampaigns));
        assert!(!Role::Manager.allows(Permission::ManageUsers));
    }

    #[test]
    fn nobody_grants_more_than_they_hold() {
        assert!(Role::Admin.can_grant(Role::Admin));
        assert!(!Role::Admin.can_grant(Role::Owner));
        assert!(Role::Owner.can_grant(Role::Owner));
        assert!(!Role::Manager.can_grant(Role::Agent));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
