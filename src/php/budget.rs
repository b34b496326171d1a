//! What a render may spend inside the runtime's functions: work and memory.
//!
//! minijinja's fuel counts the instructions a template runs and the size of the values they
//! return, but one call of a builtin can do any amount of work, and build any amount of data,
//! before it returns (`count($a, COUNT_RECURSIVE)` over a million references to one array of a
//! million elements; `array_map('strrev', …)` over a million 16 MiB strings). So every builtin
//! runs inside [`call`], and charges as it goes:
//!
//! - **work**, to the fuel the render has left, which [`call`] lends it and takes back, in
//!   minijinja's units: a fuel is 64 units, a byte read, copied or compared costs one
//!   ([`scan`]), an element visited costs half a fuel, as in minijinja's own filters ([`visit`]),
//!   a byte hashed eight ([`hash`]);
//! - **memory**, every string and array it builds, before it builds it, to the render's memory
//!   budget (`Limits::max_memory_bytes`): a total of what the render builds, never given back,
//!   like the fuel ([`string`], [`array`]).
//!
//! The memory budget and the value nesting limit live in thread-locals that [`RenderBudget`]
//! sets for each render: a function reaches minijinja's per-render storage only through
//! `&mut State`, which would make every call pay for a map lookup. Outside a render (the
//! runtime's own unit tests) both are unlimited.
//!
//! Running out of either is an error of minijinja's `OutOfFuel` kind whose message names the
//! budget and the function; the engine reports it as a limit error, never a trap.

use std::cell::Cell;

use minijinja::value::Value;
use minijinja::{Error, ErrorKind, State};

use super::array::{is_array, len, values};

/// minijinja's units per fuel (its `UNITS_PER_FUEL`).
const UNITS_PER_FUEL: u64 = 64;
/// Visiting one element of an array (minijinja's `ITEM_COST`).
const ELEMENT_UNITS: u64 = 32;
/// Hashing one byte: the digests run about eight times slower than a copy.
const HASHED_BYTE_UNITS: u64 = 8;
/// Putting one key into a hash table (a PHP array that is no list, `array_unique`'s set of
/// strings): hashing it, probing, and the table's growth take as long as minijinja runs this many
/// units of its own instructions.
const HASHED_ENTRY_UNITS: u64 = 512;
/// What one element of a list takes in memory: a value, and room for the list to grow.
pub(crate) const LIST_SLOT_BYTES: u64 = 32;
/// What one entry of a map takes: its key, its value and the index that finds it.
pub(crate) const MAP_ENTRY_BYTES: u64 = 64;

#[derive(Clone, Copy)]
struct Memory {
    left: u64,
    limit: u64,
    max_depth: usize,
}

impl Memory {
    const UNLIMITED: Memory = Memory {
        left: u64::MAX,
        limit: u64::MAX,
        max_depth: usize::MAX,
    };
}

thread_local! {
    /// Work units the current call may still spend; `u64::MAX` outside calls and without fuel.
    static WORK: Cell<u64> = const { Cell::new(u64::MAX) };
    /// What the current call is called in messages: `strrev()`, `concatenation`, ….
    static CALLER: Cell<&'static str> = const { Cell::new("") };
    static MEMORY: Cell<Memory> = const { Cell::new(Memory::UNLIMITED) };
}

/// The memory budget and nesting limit of one render, from its start until this is dropped.
pub struct RenderBudget {
    outer: Memory,
    silenced: u32,
}

impl RenderBudget {
    pub fn begin(max_memory_bytes: usize, max_value_depth: usize) -> RenderBudget {
        let limit = u64::try_from(max_memory_bytes).unwrap_or(u64::MAX);
        let memory = Memory {
            left: limit,
            limit,
            max_depth: max_value_depth,
        };
        RenderBudget {
            outer: MEMORY.replace(memory),
            silenced: super::value::set_silenced(0),
        }
    }
}

impl Drop for RenderBudget {
    fn drop(&mut self) {
        MEMORY.set(self.outer);
        super::value::set_silenced(self.silenced);
    }
}

/// Runs one call of a builtin (`name` as messages call it) on the fuel the render has left, and
/// charges the work it did to that fuel.
pub(crate) fn call(
    state: &State,
    name: &'static str,
    body: impl FnOnce() -> Result<Value, Error>,
) -> Result<Value, Error> {
    let outer = WORK.get();
    let lent = state
        .fuel_levels()
        .map_or(u64::MAX, |(_, left)| left.saturating_mul(UNITS_PER_FUEL))
        .min(outer);
    WORK.set(lent);
    let restore = Restore {
        work: outer,
        caller: CALLER.replace(name),
    };
    let result = body();
    let left = WORK.get();
    drop(restore);
    let used = lent - left.min(lent);
    WORK.set(if outer == u64::MAX {
        outer
    } else {
        outer - used.min(outer)
    });
    if lent == u64::MAX {
        return result;
    }
    // Less than a fuel of work is free, as it is for minijinja's own instructions.
    let charged = match used / UNITS_PER_FUEL {
        0 => Ok(()),
        fuel => state.consume_fuel(fuel).map_err(|_| fuel_exhausted(name)),
    };
    let value = result?;
    charged.map(|_| value)
}

/// Puts back what [`call`] lent, however the call ends (a panic unwinding through it included).
struct Restore {
    work: u64,
    caller: &'static str,
}

impl Drop for Restore {
    fn drop(&mut self) {
        WORK.set(self.work);
        CALLER.set(self.caller);
    }
}

fn spend(units: u64) -> Result<(), Error> {
    let left = WORK.get();
    if units >= left {
        WORK.set(0);
        return Err(fuel_exhausted(caller()));
    }
    WORK.set(left - units);
    Ok(())
}

fn fuel_exhausted(caller: &str) -> Error {
    Error::new(
        ErrorKind::OutOfFuel,
        format!(
            "fuel limit exceeded in {caller}: the template asks for more work than its fuel allows"
        ),
    )
}

fn caller() -> &'static str {
    match CALLER.get() {
        "" => "a builtin",
        name => name,
    }
}

/// Charges reading, copying or comparing `bytes` bytes.
pub(crate) fn scan(bytes: usize) -> Result<(), Error> {
    spend(bytes as u64)
}

/// Charges visiting `elements` elements of an array.
pub(crate) fn visit(elements: usize) -> Result<(), Error> {
    spend((elements as u64).saturating_mul(ELEMENT_UNITS))
}

/// Charges hashing `bytes` bytes.
pub(crate) fn hash(bytes: usize) -> Result<(), Error> {
    spend((bytes as u64).saturating_mul(HASHED_BYTE_UNITS))
}

/// Charges `bytes` of memory the call is about to allocate.
pub(crate) fn memory(bytes: u64) -> Result<(), Error> {
    let mut budget = MEMORY.get();
    if bytes > budget.left {
        return Err(Error::new(
            ErrorKind::OutOfFuel,
            format!(
                "memory limit exceeded in {}: the values this render builds would take more than {} bytes",
                caller(),
                budget.limit
            ),
        ));
    }
    budget.left -= bytes;
    MEMORY.set(budget);
    Ok(())
}

/// Memory this render has charged so far.
pub(crate) fn memory_used() -> u64 {
    let budget = MEMORY.get();
    budget.limit - budget.left
}

/// Charges a string of `len` bytes about to be built: its memory, and the copy.
pub(crate) fn string(len: usize) -> Result<(), Error> {
    memory(len as u64)?;
    scan(len)
}

/// Charges a list of `elements` elements about to be built: its memory, and the visit of each.
pub(crate) fn list(elements: usize) -> Result<(), Error> {
    memory((elements as u64).saturating_mul(LIST_SLOT_BYTES))?;
    visit(elements)
}

/// Charges a map of `entries` entries about to be built: its memory, and hashing each in.
pub(crate) fn map(entries: usize) -> Result<(), Error> {
    memory((entries as u64).saturating_mul(MAP_ENTRY_BYTES))?;
    spend((entries as u64).saturating_mul(ELEMENT_UNITS + HASHED_ENTRY_UNITS))
}

/// Charges putting a key of `bytes` bytes into a hash set.
pub(crate) fn hashed_key(bytes: usize) -> Result<(), Error> {
    spend(HASHED_ENTRY_UNITS.saturating_add(bytes as u64))
}

/// What building `value` took in memory, not counting what its elements hold: a string's
/// bytes, an array's slots.
pub(crate) fn shallow_size(value: &Value) -> u64 {
    if let Some(s) = value.as_str() {
        return s.len() as u64;
    }
    match value.kind() {
        minijinja::value::ValueKind::Seq => {
            (value.len().unwrap_or(0) as u64).saturating_mul(LIST_SLOT_BYTES)
        }
        minijinja::value::ValueKind::Map => {
            (value.len().unwrap_or(0) as u64).saturating_mul(MAP_ENTRY_BYTES)
        }
        _ => 0,
    }
}

/// Whether `a` and `b` are the very same array (not merely equal ones): a function that
/// returns its argument as it is builds nothing.
pub(crate) fn same_array(a: &Value, b: &Value) -> bool {
    type Map = indexmap::IndexMap<Value, Value>;
    if let (Some(x), Some(y)) = (
        a.downcast_object_ref::<Vec<Value>>(),
        b.downcast_object_ref::<Vec<Value>>(),
    ) {
        return std::ptr::eq(x, y);
    }
    // minijinja's maps are `IndexMap<Value, Value>`; were its indexmap another version than
    // ours, the downcast would fail and the result would merely be charged again.
    match (
        a.downcast_object_ref::<Map>(),
        b.downcast_object_ref::<Map>(),
    ) {
        (Some(x), Some(y)) => std::ptr::eq(x, y),
        _ => false,
    }
}

/// How deep the values a render builds may nest arrays.
pub(crate) fn max_depth() -> usize {
    MEMORY.get().max_depth
}

/// The error for a value that nests arrays deeper than the render allows; `what` says which.
pub(crate) fn too_deep(what: &str) -> Error {
    Error::new(
        ErrorKind::OutOfFuel,
        format!(
            "value nesting limit exceeded in {}: {what} nests arrays more than {} levels deep",
            caller(),
            max_depth()
        ),
    )
}

/// Whether `value` nests arrays at most `levels` deep (a scalar is 0 deep, `[1]` 1), visiting
/// its elements at the usual cost. The walk stops at `levels`, so it recurses no deeper.
pub(crate) fn nests_within(value: &Value, levels: usize) -> Result<bool, Error> {
    if !is_array(value) {
        return Ok(true);
    }
    let Some(inner) = levels.checked_sub(1) else {
        return Ok(false);
    };
    visit(len(value))?;
    for item in values(value) {
        if !nests_within(&item, inner)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Refuses `value` (`what` in the message) when putting it `levels` deep inside a new array
/// would nest arrays deeper than the render allows.
pub(crate) fn check_nesting(value: &Value, levels: usize, what: &str) -> Result<(), Error> {
    match max_depth().checked_sub(levels) {
        Some(room) if nests_within(value, room)? => Ok(()),
        _ => Err(too_deep(what)),
    }
}
