//! The module's allocator: std's own (dlmalloc), with the memory grown in steps that grow with it.
//!
//! std's allocator grows the WebAssembly memory by just what each allocation lacks, often one
//! 64 KiB page. Every growth is a call out to the engine, which in V8 also reports the memory to
//! the garbage collector, and past 64 MiB each costs about a millisecond: a render that builds
//! 250 MiB (within its memory budget) spent over a second growing the memory page by page. Here
//! each growth takes at least a quarter of what the memory holds already, so a render needs a few
//! dozen growths at most; dlmalloc uses all it is given.

use std::alloc::{GlobalAlloc, Layout};
use std::arch::wasm32;
use std::cell::UnsafeCell;
use std::ptr;

use dlmalloc::{Allocator, Dlmalloc};

const PAGE: usize = 64 * 1024;

/// Memory from the engine, a growing step at a time.
struct Growing;

unsafe extern "C" {
    /// Where the linker leaves the heap to start, and where the initial memory ends.
    static __heap_base: u8;
    static __heap_end: u8;
}

/// Whether the initial memory's free part (past the data and the stack) was handed out.
static mut INITIAL_GIVEN: bool = false;

// SAFETY: the regions handed out are the module's own memory, each handed out once: the initial
// memory's free part, then only pages just added by `memory.grow`.
unsafe impl Allocator for Growing {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        // SAFETY: WebAssembly here is single-threaded; the linker defines both symbols.
        unsafe {
            if !INITIAL_GIVEN {
                INITIAL_GIVEN = true;
                let base = ptr::addr_of!(__heap_base) as usize;
                let end = ptr::addr_of!(__heap_end) as usize;
                if end > base && end - base >= size {
                    return (base as *mut u8, end - base, 0);
                }
            }
        }
        let held = wasm32::memory_size(0);
        let wanted = size.div_ceil(PAGE);
        // At least a quarter more than the memory holds; exactly what is asked when that fails.
        for pages in [wanted.max(held / 4), wanted] {
            let before = wasm32::memory_grow(0, pages);
            if before != usize::MAX {
                let base = before * PAGE;
                let bytes = pages * PAGE;
                // A region reaching the end of the address space would end at 0, which Rust's
                // pointers may not: leave its last bytes out.
                let bytes = if base.wrapping_add(bytes) == 0 {
                    bytes - 16
                } else {
                    bytes
                };
                return (base as *mut u8, bytes, 0);
            }
        }
        (ptr::null_mut(), 0, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

struct Global(UnsafeCell<Dlmalloc<Growing>>);

// SAFETY: WebAssembly here is single-threaded (no shared memory, no threads), so the allocator is
// never entered twice at once.
unsafe impl Sync for Global {}

#[global_allocator]
static ALLOCATOR: Global = Global(UnsafeCell::new(Dlmalloc::new_with_allocator(Growing)));

// SAFETY: each method hands dlmalloc what `GlobalAlloc` guarantees about its arguments.
// Not inlined: every allocation in the module calls these, and dlmalloc inlined into each would
// add its code to the module many times over.
unsafe impl GlobalAlloc for Global {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).malloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).calloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).free(ptr, layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size) }
    }
}
