//! Port groups: which ports a claim of each group may be given, and over which protocol.
//!
//! The defaults follow the seed's groups; a groups object (`{ "tcp": { "ranges": [...],
//! "exclude": [...], "protocol": "tcp" } }`) overrides them and adds new ones. The preset
//! `"kublade"` is Kublade's own rule: every group draws from 49152–65535.

use std::fmt;
use std::sync::Arc;

use minijinja::Value;

use super::config::closest_name;
use super::error::ClaimsError;
use super::ports::{Pool, PortSet};
use super::tree;

const DOCUMENT: &str = "port groups";

/// The keys a group's object may hold.
const GROUP_FIELDS: &[&str] = &["ranges", "exclude", "protocol"];

/// The groups every configuration knows by name besides those it configures: `tcp` and `udp`
/// draw from the dynamic range over their protocol (`http` and `custom` are configured).
const BUILT_IN: [&str; 2] = ["tcp", "udp"];

/// The IANA dynamic range, which Kublade draws every port from.
const DYNAMIC: (u16, u16) = (49152, 65535);

/// The protocol a group's ports are opened with. Ports are exclusive per protocol: TCP port
/// 8080 and UDP port 8080 are different ports, but `http` and `tcp` share the TCP ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub(crate) fn index(self) -> usize {
        match self {
            Protocol::Tcp => 0,
            Protocol::Udp => 1,
        }
    }

    fn default_for(group: &str) -> Protocol {
        if group == "udp" {
            Protocol::Udp
        } else {
            Protocol::Tcp
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        })
    }
}

/// One port group, resolved: its ranges less its exclusions, as a bitset.
#[derive(Clone, Debug)]
pub struct Group {
    name: String,
    /// Sorted and merged, for messages.
    ranges: Vec<(u16, u16)>,
    exclude: Vec<(u16, u16)>,
    protocol: Protocol,
    /// Shared: every group without its own configuration uses the same dynamic-range set.
    allowed: Arc<Pool>,
}

impl Group {
    fn new(
        name: &str,
        ranges: Vec<(u16, u16)>,
        exclude: Vec<(u16, u16)>,
        protocol: Protocol,
    ) -> Group {
        let ranges = merge(ranges);
        let exclude = merge(exclude);
        let mut allowed = PortSet::new();
        for &(from, to) in &ranges {
            allowed.insert_range(from, to);
        }
        let mut excluded = PortSet::new();
        for &(from, to) in &exclude {
            excluded.insert_range(from, to);
        }
        allowed.remove_all(&excluded);
        Group {
            name: name.to_string(),
            ranges,
            exclude,
            protocol,
            allowed: Arc::new(Pool::new(allowed)),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The configured ranges, sorted and merged, before exclusions.
    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }

    /// The excluded ranges, sorted and merged.
    pub fn exclude(&self) -> &[(u16, u16)] {
        &self.exclude
    }

    /// Whether a newly drawn port of this group may be `port`.
    pub fn allows(&self, port: u16) -> bool {
        self.allowed.contains(port)
    }

    /// How many ports the group may hand out.
    pub fn size(&self) -> u32 {
        self.allowed.len()
    }

    pub(crate) fn allowed(&self) -> &Arc<Pool> {
        &self.allowed
    }

    /// The group's ports for messages: `49152-65535`, `30000-30100, 31000 excluding 30080`.
    pub fn describe_ports(&self) -> String {
        let mut text = list_ranges(&self.ranges);
        if !self.exclude.is_empty() {
            text.push_str(" excluding ");
            text.push_str(&list_ranges(&self.exclude));
        }
        text
    }
}

fn merge(ranges: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    // Sorted as (usize, usize), a type the Blade scanner sorts too: every element type sorted
    // instantiates its own copy of the standard sort in the WebAssembly.
    let mut wide: Vec<(usize, usize)> = ranges
        .iter()
        .map(|&(from, to)| (usize::from(from), usize::from(to)))
        .collect();
    wide.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(wide.len());
    for (from, to) in wide {
        // Both came from u16s above.
        let (from, to) = (from as u16, to as u16);
        match merged.last_mut() {
            Some(last) if u32::from(from) <= u32::from(last.1) + 1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

fn list_ranges(ranges: &[(u16, u16)]) -> String {
    const SHOWN: usize = 6;
    let mut parts: Vec<String> = ranges
        .iter()
        .take(SHOWN)
        .map(|&(from, to)| {
            if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            }
        })
        .collect();
    if ranges.len() > SHOWN {
        parts.push(format!("and {} more", ranges.len() - SHOWN));
    }
    if parts.is_empty() {
        "no ports".to_string()
    } else {
        parts.join(", ")
    }
}

/// The ranges a group has when the configuration does not give any.
fn default_ranges(group: &str) -> Vec<(u16, u16)> {
    match group {
        "http" => vec![(80, 443)],
        // The seed's "custom range" has no default: its user must say which ports it means.
        "custom" => Vec::new(),
        _ => vec![DYNAMIC],
    }
}

/// All port groups: the defaults, overridden and extended by a groups configuration.
#[derive(Clone, Debug)]
pub struct Groups {
    /// Sorted by name, each name once. A list, not a map: every decision and every change
    /// applied looks a group up, most configurations have a few groups, and comparing a few
    /// names' lengths costs less than a tree's string comparisons.
    configured: Vec<Group>,
    /// What every unconfigured group is, by [`Protocol::index`]: the dynamic range. Unnamed;
    /// [`Groups::get`] names a copy.
    dynamic: [Group; 2],
}

impl Default for Groups {
    fn default() -> Groups {
        let mut groups = Groups::kublade();
        for name in ["custom", "http"] {
            groups.configured.push(Group::new(
                name,
                default_ranges(name),
                Vec::new(),
                Protocol::Tcp,
            ));
        }
        groups
    }
}

/// The name of the preset in which every group draws from the dynamic range, as Kublade does.
pub const KUBLADE_PRESET: &str = "kublade";

impl Groups {
    /// Kublade's groups: every group, whatever its name, draws from 49152–65535, so reservations
    /// copied from a Kublade database are all inside their group.
    pub fn kublade() -> Groups {
        let mut dynamic = PortSet::new();
        dynamic.insert_range(DYNAMIC.0, DYNAMIC.1);
        let dynamic = Arc::new(Pool::new(dynamic));
        let unnamed = |protocol| Group {
            name: String::new(),
            ranges: vec![DYNAMIC],
            exclude: Vec::new(),
            protocol,
            allowed: Arc::clone(&dynamic),
        };
        Groups {
            configured: Vec::new(),
            dynamic: [unnamed(Protocol::Tcp), unnamed(Protocol::Udp)],
        }
    }

    /// Reads a groups configuration; `undefined` or `null` means the defaults, the string
    /// `"kublade"` Kublade's groups.
    pub fn from_value(v: &Value) -> Result<Groups, ClaimsError> {
        let mut groups = Groups::default();
        if v.is_undefined() || v.is_none() {
            return Ok(groups);
        }
        if let Some(name) = v.as_str() {
            if name == KUBLADE_PRESET {
                return Ok(Groups::kublade());
            }
            return Err(ClaimsError::at(
                DOCUMENT,
                "",
                format!(
                    "{name:?} is no preset: the presets are \"{KUBLADE_PRESET}\" (every group draws from 49152-65535, as Kublade does); give anything else as an object of groups by name"
                ),
            ));
        }
        let entries = tree::entries(v).ok_or_else(|| {
            ClaimsError::at(
                DOCUMENT,
                "",
                format!(
                    "must be an object of groups by name, got {}",
                    tree::describe(v)
                ),
            )
        })?;
        for (name, spec) in entries {
            groups.configure(parse_group(&name, &spec)?);
        }
        Ok(groups)
    }

    /// Adds `group`, replacing the group of its name if there is one.
    fn configure(&mut self, group: Group) {
        match self
            .configured
            .binary_search_by(|g| g.name.as_str().cmp(&group.name))
        {
            Ok(at) => {
                if let Some(old) = self.configured.get_mut(at) {
                    *old = group;
                }
            }
            Err(at) => self.configured.insert(at, group),
        }
    }

    /// The configured group called `name`.
    fn configured(&self, name: &str) -> Option<&Group> {
        // Up to a few dozen groups, a scan that mostly compares lengths beats a binary search
        // (a binary search made a fill's core path 3% longer by callgrind, with two groups).
        const SCANNED: usize = 32;
        if self.configured.len() <= SCANNED {
            self.configured.iter().find(|g| g.name == name)
        } else {
            let at = self
                .configured
                .binary_search_by(|g| g.name.as_str().cmp(name))
                .ok()?;
            self.configured.get(at)
        }
    }

    /// The group called `name`; any name is a group, with the defaults if it is not configured.
    /// A group may have no ports (`custom` unless configured): check [`Group::size`].
    pub fn get(&self, name: &str) -> Group {
        let mut group = self.spec(name).clone();
        group.name = name.to_string();
        group
    }

    /// What the group called `name` is, without copying it; its [`Group::name`] may be empty.
    pub(crate) fn spec(&self, name: &str) -> &Group {
        match self.configured(name) {
            Some(group) => group,
            None => match Protocol::default_for(name) {
                Protocol::Tcp => &self.dynamic[0],
                Protocol::Udp => &self.dynamic[1],
            },
        }
    }

    /// Every distinct pool of ports the groups draw from: one per configured group, and the
    /// dynamic range that all other groups share.
    pub(crate) fn pools(&self) -> Vec<Arc<Pool>> {
        let mut pools: Vec<Arc<Pool>> = Vec::new();
        let all = self.configured.iter().chain(self.dynamic.iter());
        for group in all {
            if !pools.iter().any(|p| Arc::ptr_eq(p, &group.allowed)) {
                pools.push(Arc::clone(&group.allowed));
            }
        }
        pools
    }

    /// Whether `name` is a group the configuration knows (configured, or `tcp`/`udp`), rather
    /// than one that takes the dynamic range because nothing names it. In Kublade's preset every
    /// name is known: every group draws from the dynamic range by design.
    pub fn is_known(&self, name: &str) -> bool {
        self.configured.is_empty() || BUILT_IN.contains(&name) || self.configured(name).is_some()
    }

    /// The known group a misspelt name most likely meant.
    pub fn closest_known(&self, name: &str) -> Option<String> {
        let known: Vec<&str> = BUILT_IN
            .iter()
            .copied()
            .chain(self.configured.iter().map(|g| g.name.as_str()))
            .collect();
        closest_name(name, &known).map(str::to_string)
    }

    /// The protocol of the group called `name`.
    pub fn protocol(&self, name: &str) -> Protocol {
        match self.configured(name) {
            Some(group) => group.protocol,
            None => Protocol::default_for(name),
        }
    }
}

fn parse_group(name: &str, spec: &Value) -> Result<Group, ClaimsError> {
    let path = tree::key_path(name);
    if name.is_empty() {
        return Err(ClaimsError::at(
            DOCUMENT,
            &path,
            "a group needs a non-empty name",
        ));
    }
    if let Some(c) = tree::unprintable(name) {
        return Err(ClaimsError::at(
            DOCUMENT,
            &path,
            format!("the group's name {}", tree::unprintable_message(c)),
        ));
    }
    if !tree::is_object(spec) {
        return Err(ClaimsError::at(
            DOCUMENT,
            &path,
            format!(
                "must be an object with \"ranges\", \"exclude\" or \"protocol\", got {}",
                tree::describe(spec)
            ),
        ));
    }
    // A misspelt key (`range`) would leave the group with its default ports, silently.
    for (key, _) in tree::entries(spec).unwrap_or_default() {
        if !GROUP_FIELDS.contains(&key.as_str()) {
            let hint = match closest_name(&key, GROUP_FIELDS) {
                Some(field) => format!(" (did you mean {field:?}?)"),
                None => format!("; a group has only {}", GROUP_FIELDS.join(", ")),
            };
            return Err(ClaimsError::at(
                DOCUMENT,
                &{
                    let key = tree::key_path(&key);
                    if key.starts_with('[') {
                        format!("{path}{key}")
                    } else {
                        format!("{path}.{key}")
                    }
                },
                format!("unknown field{hint}"),
            ));
        }
    }
    let ranges = match tree::optional(spec, "ranges") {
        Some(v) => {
            let field = format!("{path}.ranges");
            let ranges = parse_ranges(&field, &v)?;
            if ranges.is_empty() {
                return Err(ClaimsError::at(
                    DOCUMENT,
                    &field,
                    "must list at least one port or range of ports",
                ));
            }
            ranges
        }
        None => default_ranges(name),
    };
    let exclude = match tree::optional(spec, "exclude") {
        Some(v) => parse_ranges(&format!("{path}.exclude"), &v)?,
        None => Vec::new(),
    };
    let protocol = match tree::optional(spec, "protocol") {
        Some(v) => parse_protocol(&format!("{path}.protocol"), &v)?,
        None => Protocol::default_for(name),
    };
    Ok(Group::new(name, ranges, exclude, protocol))
}

/// A list of ports and ranges; a single entry may stand without the list.
fn parse_ranges(field: &str, v: &Value) -> Result<Vec<(u16, u16)>, ClaimsError> {
    let entries = match tree::items(v) {
        Some(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| (format!("{field}[{i}]"), item))
            .collect(),
        None => vec![(field.to_string(), v.clone())],
    };
    entries
        .into_iter()
        .map(|(field, item)| {
            tree::port_range(&item).map_err(|e| match e {
                tree::RangeError::Inverted(from, to) => ClaimsError::at(
                    DOCUMENT,
                    &field,
                    format!("range \"{from}-{to}\" is inverted: write \"{to}-{from}\""),
                ),
                tree::RangeError::Malformed => ClaimsError::at(
                    DOCUMENT,
                    &field,
                    format!(
                        "must be a port or a \"from-to\" range of ports from 1 to 65535, got {}",
                        tree::describe(&item)
                    ),
                ),
            })
        })
        .collect()
}

fn parse_protocol(field: &str, v: &Value) -> Result<Protocol, ClaimsError> {
    // Kubernetes spells protocols in capitals, so accept both spellings.
    match v.as_str().map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("tcp") => Ok(Protocol::Tcp),
        Some("udp") => Ok(Protocol::Udp),
        _ => Err(ClaimsError::at(
            DOCUMENT,
            field,
            format!(
                "unknown protocol {}: expected \"tcp\" or \"udp\"",
                tree::describe(v)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_find_each_group_by_name_with_few_groups_or_many() {
        for count in [1, 40] {
            // Names of every length, so that a scan cannot tell them apart by length alone.
            let entries: Vec<String> = (0..count)
                .map(|i| {
                    let protocol = if i % 3 == 0 { "udp" } else { "tcp" };
                    format!(
                        r#""g{i}": {{"ranges": ["{}"], "protocol": "{protocol}"}}"#,
                        1000 + i
                    )
                })
                .chain([r#""http": {"ranges": ["8080"]}"#.to_string()])
                .collect();
            let g = groups(&format!("{{{}}}", entries.join(", "))).unwrap();
            for i in 0..count {
                let name = format!("g{i}");
                let expected = if i % 3 == 0 {
                    Protocol::Udp
                } else {
                    Protocol::Tcp
                };
                assert_eq!(g.protocol(&name), expected, "{name}");
                assert_eq!(g.spec(&name).ranges(), [(1000 + i, 1000 + i)], "{name}");
                assert_eq!(g.spec(&name).name(), name);
            }
            assert_eq!(g.spec("http").ranges(), [(8080, 8080)]);
            assert_eq!(g.spec("custom").size(), 0);
            assert_eq!(g.spec("g").name(), "", "an unconfigured group");
            assert_eq!(g.protocol("udp"), Protocol::Udp);
            assert_eq!(g.pools().len(), count as usize + 3);
        }
    }

    fn groups(json: &str) -> Result<Groups, ClaimsError> {
        Groups::from_value(&serde_json::from_str::<Value>(json).unwrap())
    }

    fn error(json: &str) -> String {
        groups(json).unwrap_err().to_string()
    }

    #[test]
    fn defaults() {
        let g = Groups::default();
        let http = g.get("http");
        assert_eq!(
            (http.size(), http.protocol()),
            (443 - 80 + 1, Protocol::Tcp)
        );
        assert!(http.allows(80) && http.allows(443) && !http.allows(444));
        for name in ["tcp", "udp", "k8s-test"] {
            let group = g.get(name);
            assert_eq!(group.size(), 16384, "{name}");
            assert!(group.allows(49152) && group.allows(65535) && !group.allows(49151));
            assert_eq!(group.describe_ports(), "49152-65535");
        }
        assert_eq!(g.protocol("udp"), Protocol::Udp);
        assert_eq!(g.protocol("tcp"), Protocol::Tcp);
        assert_eq!(g.protocol("k8s-test"), Protocol::Tcp);
        assert_eq!(g.get("custom").size(), 0);
        for empty in ["null", "{}"] {
            assert_eq!(groups(empty).unwrap().get("http").size(), 364);
        }
    }

    #[test]
    fn overrides_and_additions() {
        let g = groups(
            r#"{
                "tcp": { "ranges": ["30000-30100", 31000, "31005"], "exclude": [30080, "30090-30099"] },
                "custom": { "ranges": "20000-20009", "protocol": "UDP" },
                "http": { "exclude": [443] },
                "games": { "ranges": ["7000-7001"], "protocol": "udp" }
            }"#,
        )
        .unwrap();
        let tcp = g.get("tcp");
        assert_eq!(tcp.size(), 101 + 2 - 11);
        assert!(tcp.allows(31000) && !tcp.allows(30080) && !tcp.allows(30095) && tcp.allows(30100));
        assert_eq!(
            tcp.describe_ports(),
            "30000-30100, 31000, 31005 excluding 30080, 30090-30099"
        );
        let custom = g.get("custom");
        assert_eq!((custom.size(), custom.protocol()), (10, Protocol::Udp));
        let http = g.get("http");
        assert_eq!(http.size(), 363);
        assert!(!http.allows(443));
        assert_eq!(g.protocol("games"), Protocol::Udp);
        assert_eq!(g.get("udp").protocol(), Protocol::Udp);
    }

    #[test]
    fn a_misspelt_or_unknown_key_is_refused_as_in_ports_json() {
        let error = |json: &str| groups(json).unwrap_err().to_string();
        assert_eq!(
            error(r#"{ "tcp": { "range": ["100-200"] } }"#),
            "port groups: tcp.range: unknown field (did you mean \"ranges\"?)"
        );
        assert_eq!(
            error(r#"{ "tcp": { "ranges": ["100-200"], "protocl": "udp" } }"#),
            "port groups: tcp.protocl: unknown field (did you mean \"protocol\"?)"
        );
        assert_eq!(
            error(r#"{ "my group": { "ranges": [1], "x": 1 } }"#),
            "port groups: [\"my group\"].x: unknown field; a group has only ranges, exclude, protocol"
        );
        assert_eq!(
            error(r#"{ "tcp": { "ranges": [1], "a b": 1 } }"#),
            "port groups: tcp[\"a b\"]: unknown field; a group has only ranges, exclude, protocol"
        );
    }

    #[test]
    fn known_groups_and_the_one_a_misspelt_name_meant() {
        let g = groups(r#"{ "games": { "ranges": [7000] } }"#).unwrap();
        for known in ["tcp", "udp", "http", "custom", "games"] {
            assert!(g.is_known(known), "{known}");
        }
        assert!(!g.is_known("htpp") && !g.is_known("k8s-test"));
        assert_eq!(g.closest_known("htpp").as_deref(), Some("http"));
        // Swapped letters, the commonest slip, are one edit.
        assert_eq!(g.closest_known("tpc").as_deref(), Some("tcp"));
        assert_eq!(g.closest_known("gaems").as_deref(), Some("games"));
        assert_eq!(g.closest_known("Games").as_deref(), Some("games"));
        assert_eq!(g.closest_known("k8s-test"), None);
        // Kublade's preset draws every group from the dynamic range by design.
        assert!(Groups::kublade().is_known("k8s-test"));
    }

    #[test]
    fn the_kublade_preset_gives_every_group_the_dynamic_range() {
        let g = Groups::from_value(&Value::from("kublade")).unwrap();
        for name in ["http", "custom", "tcp", "udp", "k8s-test"] {
            let group = g.get(name);
            assert_eq!(group.size(), 16384, "{name}");
            assert!(group.allows(49152) && !group.allows(443), "{name}");
        }
        assert_eq!(g.protocol("udp"), Protocol::Udp);
        assert_eq!(g.pools().len(), 1);
        assert!(
            groups(r#""kubernetes""#)
                .unwrap_err()
                .to_string()
                .starts_with("port groups: \"kubernetes\" is no preset")
        );
    }

    #[test]
    fn a_udp_group_may_be_made_tcp() {
        let g = groups(r#"{ "udp": { "protocol": "tcp" } }"#).unwrap();
        assert_eq!(g.protocol("udp"), Protocol::Tcp);
        assert_eq!(g.get("udp").size(), 16384);
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            error("[1]"),
            "port groups: must be an object of groups by name, got an array"
        );
        assert_eq!(
            error(r#"{ "tcp": 5 }"#),
            "port groups: tcp: must be an object with \"ranges\", \"exclude\" or \"protocol\", got 5"
        );
        assert_eq!(
            error(r#"{ "tcp": { "ranges": ["1-2", "70000"] } }"#),
            "port groups: tcp.ranges[1]: must be a port or a \"from-to\" range of ports from 1 to 65535, got \"70000\""
        );
        assert_eq!(
            error(r#"{ "tcp": { "ranges": [0] } }"#),
            "port groups: tcp.ranges[0]: must be a port or a \"from-to\" range of ports from 1 to 65535, got 0"
        );
        assert_eq!(
            error(r#"{ "tcp": { "ranges": ["30100-30000"] } }"#),
            "port groups: tcp.ranges[0]: range \"30100-30000\" is inverted: write \"30000-30100\""
        );
        assert_eq!(
            error(r#"{ "tcp": { "ranges": [] } }"#),
            "port groups: tcp.ranges: must list at least one port or range of ports"
        );
        assert_eq!(
            error(r#"{ "my tcp": { "ranges": [true] } }"#),
            "port groups: [\"my tcp\"].ranges[0]: must be a port or a \"from-to\" range of ports from 1 to 65535, got true"
        );
        assert_eq!(
            error(r#"{ "tcp": { "exclude": ["x"] } }"#),
            "port groups: tcp.exclude[0]: must be a port or a \"from-to\" range of ports from 1 to 65535, got \"x\""
        );
        assert_eq!(
            error(r#"{ "tcp": { "protocol": "sctp" } }"#),
            "port groups: tcp.protocol: unknown protocol \"sctp\": expected \"tcp\" or \"udp\""
        );
        assert_eq!(
            error(r#"{ "tcp": { "protocol": 6 } }"#),
            "port groups: tcp.protocol: unknown protocol 6: expected \"tcp\" or \"udp\""
        );
        assert_eq!(
            error(r#"{ "": {} }"#),
            "port groups: [\"\"]: a group needs a non-empty name"
        );
        assert_eq!(
            error(r#"{ "tcp\u001b[2J": {} }"#),
            "port groups: [\"tcp\\u{1b}[2J\"]: the group's name must not contain control characters or bidirectional marks, found U+001B"
        );
    }

    #[test]
    fn long_exclusion_lists_are_shortened() {
        let g = groups(
            r#"{ "tcp": { "ranges": ["1-100"], "exclude": [2, 4, 6, 8, 10, 12, 14, 16] } }"#,
        )
        .unwrap();
        assert_eq!(
            g.get("tcp").describe_ports(),
            "1-100 excluding 2, 4, 6, 8, 10, 12, and 2 more"
        );
    }
}
