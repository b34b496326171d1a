//! What a shared store needs of a groups configuration to keep ports unique itself: the
//! protocol each group opens its ports with. The store asks the core instead of repeating the
//! rule (a group's own `protocol`, else `udp` for the group called `udp`, else `tcp`).

use wasm_bindgen::prelude::*;

use super::request::{parse_groups, read};
use crate::claims::Protocol;

/// The protocol, `"tcp"` or `"udp"`, of the group called `group` under the groups
/// configuration `groups` (JSON; empty or `null` for the defaults).
#[wasm_bindgen(js_name = groupProtocol)]
pub fn group_protocol(groups: &str, group: &str) -> Result<String, JsValue> {
    let groups = parse_groups(&read(groups)?)?;
    Ok(match groups.protocol(group) {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
    }
    .to_string())
}
