//! `pow()` for floats as PHP computes it: C's `pow`, which glibc rounds correctly but for the
//! rarest hard cases. `f64::powf` is glibc's `pow` natively but in WebAssembly it is the `libm`
//! crate's port of the old FreeBSD `pow`, which is often one unit in the last place off
//! (`pow(10, -5)` gave `9.999999999999999e-6`, `0.30000000000000004 ** 3` gave
//! `0.02700000000000001`; `json_encode` and `sprintf('%.17g')` show every bit). So the
//! result is computed here in double-double arithmetic (about 100 correct bits) and rounded once.
//! glibc's own `pow` is within 0.52 units in the last place, so in about 3 of 10,000 random
//! cases PHP's last bit is the other neighbour of the true value; this one is the nearer.
//! Special operands (zeros, infinities, NANs, `1`, a zero exponent) and results near the ends
//! of the float range go to `powf`, whose answers there are exact and the same everywhere; the
//! others never call it.

/// A value `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Clone, Copy)]
struct Dd {
    hi: f64,
    lo: f64,
}

/// ln 2 as a double-double.
const LN2: Dd = Dd {
    hi: std::f64::consts::LN_2,
    lo: 2.319_046_813_846_299_6e-17,
};

fn quick_two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    Dd {
        hi: s,
        lo: b - (s - a),
    }
}

fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let bb = s - a;
    Dd {
        hi: s,
        lo: (a - (s - bb)) + (b - bb),
    }
}

fn two_prod(a: f64, b: f64) -> Dd {
    let p = a * b;
    Dd {
        hi: p,
        lo: a.mul_add(b, -p),
    }
}

impl Dd {
    fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    fn add(self, o: Dd) -> Dd {
        let s = two_sum(self.hi, o.hi);
        let t = two_sum(self.lo, o.lo);
        let s = quick_two_sum(s.hi, s.lo + t.hi);
        quick_two_sum(s.hi, s.lo + t.lo)
    }

    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    fn mul(self, o: Dd) -> Dd {
        let p = two_prod(self.hi, o.hi);
        quick_two_sum(p.hi, p.lo + (self.hi * o.lo + self.lo * o.hi))
    }

    fn mul_f(self, b: f64) -> Dd {
        let p = two_prod(self.hi, b);
        quick_two_sum(p.hi, p.lo + self.lo * b)
    }

    fn div(self, o: Dd) -> Dd {
        let q1 = self.hi / o.hi;
        let r = self.add(o.mul_f(q1).neg());
        let q2 = r.hi / o.hi;
        let r = r.add(o.mul_f(q2).neg());
        let q3 = r.hi / o.hi;
        quick_two_sum(q1, q2).add(Dd::from(q3))
    }

    /// Times 2^k, exactly (k within the normal exponent range).
    fn scale(self, k: i32) -> Dd {
        let factor = f64::from_bits(((1023 + i64::from(k)) as u64) << 52);
        Dd {
            hi: self.hi * factor,
            lo: self.lo * factor,
        }
    }
}

/// e^a for |a| <= 708: a = k ln 2 + r, e^r from its Taylor series at r / 2^10 (as e^r - 1, so
/// that the ten squarings keep their precision), times 2^k.
fn exp(a: Dd) -> Dd {
    let k = (a.hi / LN2.hi).round();
    let r = a.add(LN2.mul_f(k).neg()).scale(-10);
    // e^r - 1 = r + r^2/2! + … + r^12/12! (|r| < 2^-11, so the next term is below 2^-150)
    let mut sum = Dd::from(0.0);
    for n in (1..=12).rev() {
        sum = sum.add(Dd::from(1.0)).mul(r).div(Dd::from(f64::from(n)));
        // Horner: (((r/12 + 1) r/11 + 1) …) r/1
    }
    for _ in 0..10 {
        // (1 + s)^2 - 1 = 2s + s^2
        sum = sum.mul_f(2.0).add(sum.mul(sum));
    }
    sum.add(Dd::from(1.0)).scale(k as i32)
}

/// ln x for a positive normal x = m 2^e with m in [√½, √2): ln m by one Newton step from the
/// float logarithm, l + (m - e^l) / e^l, plus e ln 2.
fn ln(x: f64) -> Dd {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let mut m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    let l = Dd::from(m.ln());
    let exp_l = exp(l);
    let ln_m = l.add(Dd::from(m).add(exp_l.neg()).div(exp_l));
    ln_m.add(LN2.mul_f(f64::from(e)))
}

/// C's `pow(x, y)` for floats, rounded from about 100 correct bits.
pub(crate) fn pow(x: f64, y: f64) -> f64 {
    // Special operands, where `powf` is exact everywhere.
    if !x.is_normal() || !y.is_finite() || y == 0.0 || x == 1.0 {
        return x.powf(y);
    }
    let negative = if x < 0.0 {
        if y.fract() != 0.0 {
            return x.powf(y); // NAN
        }
        // an odd integer exponent keeps the sign (every float beyond 2^53 is even)
        y.abs() < 9_007_199_254_740_992.0 && y % 2.0 != 0.0
    } else {
        false
    };
    let t = ln(x.abs()).mul_f(y);
    // Near the ends of the float range (beyond e^±708) `exp`'s scaling would leave the normal
    // range: `powf` answers there, as for the special operands.
    if t.hi.is_nan() || t.hi.abs() > 708.0 {
        return x.powf(y);
    }
    let r = exp(t).hi;
    if negative { -r } else { r }
}

#[cfg(test)]
mod tests {
    use super::pow;

    #[test]
    fn matches_php_where_webassembly_powf_was_one_ulp_off() {
        // json_encode(pow(x, y)) under PHP 8.2 (glibc)
        assert_eq!(
            pow(0.300_000_000_000_000_04, 3.0),
            0.027_000_000_000_000_014
        );
        assert_eq!(pow(10.0, -5.0), 1.0e-5);
        assert_eq!(pow(0.7, 0.3), 0.898_523_441_790_639_7);
        assert_eq!(pow(2.5, 7.0), 610.351_562_5);
        assert_eq!(pow(-2.0, 3.0), -8.0);
        assert_eq!(pow(-2.0, 4.0), 16.0);
        assert!(pow(-2.0, 0.5).is_nan());
        assert_eq!(pow(0.0, -1.0), f64::INFINITY);
        assert_eq!(pow(2.0, 1024.0), f64::INFINITY);
    }

    /// Natively `powf` is the platform's `pow` (glibc's on Linux, as PHP's is): over many
    /// operands this one agrees with it but for the rare hard cases, and is never more than one
    /// unit in the last place away.
    #[test]
    fn agrees_with_the_platform_pow() {
        use rand::RngExt;
        let mut rng = crate::claims::rng(Some(0x9E37_79B9_7F4A_7C15)).expect("seeded");
        let mut next = move || rng.random::<f64>();
        let (mut cases, mut differ) = (0, 0);
        for _ in 0..100_000 {
            // Bases from 1e-6 to 1e6, exponents from -40 to 40, half of them whole numbers.
            let x = 10f64.powf(next() * 12.0 - 6.0);
            let y = next() * 80.0 - 40.0;
            let y = if next() < 0.5 { y.round() } else { y };
            let (ours, platform) = (pow(x, y), x.powf(y));
            if !platform.is_normal() {
                continue;
            }
            cases += 1;
            let ulps = (ours.to_bits() as i64 - platform.to_bits() as i64).abs();
            assert!(
                ulps <= 1,
                "pow({x:e}, {y:e}) = {ours:e}, the platform says {platform:e}"
            );
            differ += usize::from(ulps == 1);
        }
        assert!(cases > 90_000);
        assert!(
            differ * 1000 < cases,
            "{differ} of {cases} differ in the last place"
        );
    }
}
