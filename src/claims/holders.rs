//! Which reservation holds each taken port: a table indexed by port, in pages of 64 ports made
//! as ports in them are first taken. A hash map cost a hash and, as the ledger filled, a rehash
//! of every entry at each doubling; a page costs 256 bytes, and the 16,384 ports of the dynamic
//! range fill 256 of them (64 KiB).

use super::groups::Protocol;

const PAGE: usize = 64;
const PAGES: usize = 65_536 / PAGE;
/// What an entry holds while no reservation holds its port.
const NONE: u32 = u32::MAX;

type Page = Box<[u32; PAGE]>;

/// The slot of the reservation that holds each taken port, by protocol.
#[derive(Clone, Debug, Default)]
pub(crate) struct Holders {
    /// By [`Protocol::index`], then by page: empty until a port of the protocol is first taken.
    pages: [Vec<Option<Page>>; 2],
}

fn place(port: u16) -> (usize, usize) {
    (usize::from(port) / PAGE, usize::from(port) % PAGE)
}

impl Holders {
    /// The slot of the reservation that holds `port` over `protocol`.
    pub(crate) fn get(&self, protocol: Protocol, port: u16) -> Option<u32> {
        let (page, at) = place(port);
        let pages = self.pages.get(protocol.index())?;
        let id = *pages.get(page)?.as_ref()?.get(at)?;
        (id != NONE).then_some(id)
    }

    /// Records that slot `id` holds `port` over `protocol`.
    pub(crate) fn insert(&mut self, protocol: Protocol, port: u16, id: u32) {
        let (page, at) = place(port);
        let Some(pages) = self.pages.get_mut(protocol.index()) else {
            return;
        };
        if pages.is_empty() {
            pages.resize(PAGES, None);
        }
        if let Some(entry) = pages.get_mut(page) {
            let page = entry.get_or_insert_with(|| Box::new([NONE; PAGE]));
            if let Some(held) = page.get_mut(at) {
                *held = id;
            }
        }
    }

    /// Records that no reservation holds `port` over `protocol`.
    pub(crate) fn remove(&mut self, protocol: Protocol, port: u16) {
        let (page, at) = place(port);
        let held = self
            .pages
            .get_mut(protocol.index())
            .and_then(|pages| pages.get_mut(page)?.as_mut()?.get_mut(at));
        if let Some(held) = held {
            *held = NONE;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn holders_follow_a_map_of_the_same_changes() {
        let mut holders = Holders::default();
        let mut model: HashMap<(Protocol, u16), u32> = HashMap::new();
        let mut choices = crate::claims::rng(Some(11)).unwrap();
        let mut next = move |n: u32| rand::RngExt::random_range(&mut choices, 0..n);
        let ports = [0, 1, 63, 64, 65, 8080, 49152, 65534, 65535];
        for step in 0..2000 {
            let protocol = [Protocol::Tcp, Protocol::Udp][next(2) as usize];
            let port = ports[next(ports.len() as u32) as usize];
            if next(3) == 0 {
                holders.remove(protocol, port);
                model.remove(&(protocol, port));
            } else {
                holders.insert(protocol, port, step);
                model.insert((protocol, port), step);
            }
            for protocol in [Protocol::Tcp, Protocol::Udp] {
                for port in ports.iter().copied().chain([2, 62, 127, 128]) {
                    assert_eq!(
                        holders.get(protocol, port),
                        model.get(&(protocol, port)).copied(),
                        "step {step}: {protocol} {port}"
                    );
                }
            }
        }
    }
}
