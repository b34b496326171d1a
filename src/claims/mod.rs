//! Port claims: groups, the allocator and the reservation-store contract.
