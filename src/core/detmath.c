/* detmath.c — tuiyan's own exp, log, pow and erfc (see detmath.h).
 *
 * Only IEEE 754 add, subtract, multiply, divide and sqrt, comparisons, and exact operations
 * (bit moves, scaling by powers of two) are used, and the Makefile compiles with
 * -ffp-contract=off, so every result is the same bits on every x86-64 (or other IEEE) machine,
 * whatever libm picks for the CPU.
 *
 * exp(hi + lo): x = (64 e + j) ln2/64 + r with |r| <= ln2/128 (ln2/64 split in a 35-bit head,
 *   exact times |64 e + j| < 2^17, and a tail); exp(x) = 2^e * 2^(j/64) * (1 + p(r)) with
 *   2^(j/64) from a table of double-double values and p the Taylor polynomial of e^r - 1 to
 *   degree 6 (remainder < r^7/5040 < 2^-66). 2^e scales exactly (ldexp below the normal range).
 * log(x): x = 2^k z, z in [0.705, 1.41); a table of 128 intervals gives invc ~ 1/c (20 bits, so
 *   z_head * invc is exact for the 33-bit head of z) and -log(invc) as a double-double; t =
 *   z invc - 1 is then known to 2^-85, |t| <= 2^-8, and log1p(t) = t - t^2/2 + t^3 q(t) with
 *   t^2 exact (Dekker) and q the Taylor polynomial to degree 8 (remainder < 2^-75). Around 1 the
 *   interval [1 - 2^-9, 1 + 2^-8) has invc = 1 exactly, so log(1 + tiny) keeps its precision.
 *   The sum k ln2 + log(c) + log1p(t) is kept as a double-double (error below 2^-66 relative).
 * pow(x, y) = exp(y log x) with y * log x formed as a double-double (Dekker's product), so the
 *   result is within about 0.55 ulp however large y log x is; C99 Annex F's special cases.
 * erfc(x): for |x| < 0.5, 1 - erf(x) by its Taylor series (15 terms); above, Laplace's continued
 *   fraction e^(-x^2) / (sqrt(pi) (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))) evaluated from a
 *   fixed depth that depends only on x (40 + 330/x^2 levels), with e^(-x^2) from the exact x^2.
 *
 * The constants and tables were computed for tuiyan with Python's decimal module at 60 digits
 * (2^(j/64), ln 2, -log(invc)); invc = 1/c rounded to 20 bits where c is the middle of interval
 * i of [0x3fe6900000000000 + i 2^45, + 2^45) in the bit pattern. tests/unit/test_detmath.c
 * bounds the error against glibc (<= 1 ulp observed for exp, log, pow; see there).
 *
 * The arithmetic of exp, log and pow is in detmath_core.h, shared with the evaluator's block
 * kernels (eval_kernels.inc), which must give these functions' bits lane for lane. */
#include "detmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "detmath_core.h"

/* ---- exp ---- */

/* 2^(j/64) = TY_EXP_T[2j] + TY_EXP_T[2j + 1] */
const double TY_EXP_T[128] = {
    0x1.0000000000000p+0, 0x0.0p+0,
    0x1.02c9a3e778061p+0, -0x1.19083535b085dp-56,
    0x1.059b0d3158574p+0, 0x1.d73e2a475b465p-55,
    0x1.0874518759bc8p+0, 0x1.186be4bb284ffp-57,
    0x1.0b5586cf9890fp+0, 0x1.8a62e4adc610bp-54,
    0x1.0e3ec32d3d1a2p+0, 0x1.03a1727c57b53p-59,
    0x1.11301d0125b51p+0, -0x1.6c51039449b3ap-54,
    0x1.1429aaea92de0p+0, -0x1.32fbf9af1369ep-54,
    0x1.172b83c7d517bp+0, -0x1.19041b9d78a76p-55,
    0x1.1a35beb6fcb75p+0, 0x1.e5b4c7b4968e4p-55,
    0x1.1d4873168b9aap+0, 0x1.e016e00a2643cp-54,
    0x1.2063b88628cd6p+0, 0x1.dc775814a8495p-55,
    0x1.2387a6e756238p+0, 0x1.9b07eb6c70573p-54,
    0x1.26b4565e27cddp+0, 0x1.2bd339940e9d9p-55,
    0x1.29e9df51fdee1p+0, 0x1.612e8afad1255p-55,
    0x1.2d285a6e4030bp+0, 0x1.0024754db41d5p-54,
    0x1.306fe0a31b715p+0, 0x1.6f46ad23182e4p-55,
    0x1.33c08b26416ffp+0, 0x1.32721843659a6p-54,
    0x1.371a7373aa9cbp+0, -0x1.63aeabf42eae2p-54,
    0x1.3a7db34e59ff7p+0, -0x1.5e436d661f5e3p-56,
    0x1.3dea64c123422p+0, 0x1.ada0911f09ebcp-55,
    0x1.4160a21f72e2ap+0, -0x1.ef3691c309278p-58,
    0x1.44e086061892dp+0, 0x1.89b7a04ef80d0p-59,
    0x1.486a2b5c13cd0p+0, 0x1.3c1a3b69062f0p-56,
    0x1.4bfdad5362a27p+0, 0x1.d4397afec42e2p-56,
    0x1.4f9b2769d2ca7p+0, -0x1.4b309d25957e3p-54,
    0x1.5342b569d4f82p+0, -0x1.07abe1db13cadp-55,
    0x1.56f4736b527dap+0, 0x1.9bb2c011d93adp-54,
    0x1.5ab07dd485429p+0, 0x1.6324c054647adp-54,
    0x1.5e76f15ad2148p+0, 0x1.ba6f93080e65ep-54,
    0x1.6247eb03a5585p+0, -0x1.383c17e40b497p-54,
    0x1.6623882552225p+0, -0x1.bb60987591c34p-54,
    0x1.6a09e667f3bcdp+0, -0x1.bdd3413b26456p-54,
    0x1.6dfb23c651a2fp+0, -0x1.bbe3a683c88abp-57,
    0x1.71f75e8ec5f74p+0, -0x1.16e4786887a99p-55,
    0x1.75feb564267c9p+0, -0x1.0245957316dd3p-54,
    0x1.7a11473eb0187p+0, -0x1.41577ee04992fp-55,
    0x1.7e2f336cf4e62p+0, 0x1.05d02ba15797ep-56,
    0x1.82589994cce13p+0, -0x1.d4c1dd41532d8p-54,
    0x1.868d99b4492edp+0, -0x1.fc6f89bd4f6bap-54,
    0x1.8ace5422aa0dbp+0, 0x1.6e9f156864b27p-54,
    0x1.8f1ae99157736p+0, 0x1.5cc13a2e3976cp-55,
    0x1.93737b0cdc5e5p+0, -0x1.75fc781b57ebcp-57,
    0x1.97d829fde4e50p+0, -0x1.d185b7c1b85d1p-54,
    0x1.9c49182a3f090p+0, 0x1.c7c46b071f2bep-56,
    0x1.a0c667b5de565p+0, -0x1.359495d1cd533p-54,
    0x1.a5503b23e255dp+0, -0x1.d2f6edb8d41e1p-54,
    0x1.a9e6b5579fdbfp+0, 0x1.0fac90ef7fd31p-54,
    0x1.ae89f995ad3adp+0, 0x1.7a1cd345dcc81p-54,
    0x1.b33a2b84f15fbp+0, -0x1.2805e3084d708p-57,
    0x1.b7f76f2fb5e47p+0, -0x1.5584f7e54ac3bp-56,
    0x1.bcc1e904bc1d2p+0, 0x1.23dd07a2d9e84p-55,
    0x1.c199bdd85529cp+0, 0x1.11065895048ddp-55,
    0x1.c67f12e57d14bp+0, 0x1.2884dff483cadp-54,
    0x1.cb720dcef9069p+0, 0x1.503cbd1e949dbp-56,
    0x1.d072d4a07897cp+0, -0x1.cbc3743797a9cp-54,
    0x1.d5818dcfba487p+0, 0x1.2ed02d75b3707p-55,
    0x1.da9e603db3285p+0, 0x1.c2300696db532p-54,
    0x1.dfc97337b9b5fp+0, -0x1.1a5cd4f184b5cp-54,
    0x1.e502ee78b3ff6p+0, 0x1.39e8980a9cc8fp-55,
    0x1.ea4afa2a490dap+0, -0x1.e9c23179c2893p-54,
    0x1.efa1bee615a27p+0, 0x1.dc7f486a4b6b0p-54,
    0x1.f50765b6e4540p+0, 0x1.9d3e12dd8a18bp-54,
    0x1.fa7c1819e90d8p+0, 0x1.74853f3a5931ep-55,
};

/* e^(hi + lo), |lo| <= ulp(hi); hi not NaN. */
static inline double exp_dd(double hi, double lo)
{
    if (hi > 709.8) return INFINITY;          /* e^709.79 > DBL_MAX */
    if (hi < -745.2) return 0.0;              /* below half the least subnormal */
    uint64_t kb;
    double v = dm_exp_core(hi, lo, &kb);
    int e = (int)((int64_t)(kb >> 6) - (int64_t)(EXP_SHIFT_BITS >> 6));
    if (e >= -1021 && e <= 1023) return v * dm_exp_scale(kb);
    return ldexp(v, e);                       /* overflow to inf, or one rounding to subnormal */
}

double ty_exp(double x)
{
    if (x != x) return x + x;
    return exp_dd(x, 0.0);
}

/* ---- log ---- */

/* Interval i: z in [LOG_OFF + i 2^45, + 2^45) (bit patterns): invc, -log(invc) hi and lo. */
const double TY_LOG_T[128][3] = {
    {0x1.6a13c00000000p+0, -0x1.63000bb3aa197p-2, -0x1.da092b9908d60p-57}, /* [0.705078, 0.708984) */
    {0x1.6816800000000p+0, -0x1.5d5bd9f595f10p-2, 0x1.654169e2111f8p-56}, /* [0.708984, 0.712891) */
    {0x1.661ec00000000p+0, -0x1.57bf623c8cf29p-2, 0x1.0950440b31e96p-57}, /* [0.712891, 0.716797) */
    {0x1.642c800000000p+0, -0x1.522ad0738a1d8p-2, 0x1.8fa945e3d1424p-57}, /* [0.716797, 0.720703) */
    {0x1.623fa00000000p+0, -0x1.4c9df4617289fp-2, -0x1.bb3eb76832c12p-56}, /* [0.720703, 0.724609) */
    {0x1.6058200000000p+0, -0x1.4718f9271bd89p-2, -0x1.97a52bcbd6569p-60}, /* [0.724609, 0.728516) */
    {0x1.5e75c00000000p+0, -0x1.419b4f3d5e775p-2, -0x1.0dd206e29a1b4p-57}, /* [0.728516, 0.732422) */
    {0x1.5c98800000000p+0, -0x1.3c251f7333104p-2, 0x1.2ad528fb57971p-56}, /* [0.732422, 0.736328) */
    {0x1.5ac0600000000p+0, -0x1.36b692ebe0b2ep-2, -0x1.b3d88d866e120p-56}, /* [0.736328, 0.740234) */
    {0x1.58ed200000000p+0, -0x1.314f151d35c42p-2, 0x1.3d6d5c9e62a60p-56}, /* [0.740234, 0.744141) */
    {0x1.571ee00000000p+0, -0x1.2bef2c4dc88ebp-2, -0x1.f889b0997d5f7p-58}, /* [0.744141, 0.748047) */
    {0x1.5555600000000p+0, -0x1.269641134d392p-2, -0x1.e19a588085ad7p-56}, /* [0.748047, 0.751953) */
    {0x1.5390a00000000p+0, -0x1.21447950eaf88p-2, 0x1.0352d7ae0a4d5p-56}, /* [0.751953, 0.755859) */
    {0x1.51d0800000000p+0, -0x1.1bf99a35a6b75p-2, 0x1.12ae0d979ef79p-57}, /* [0.755859, 0.759766) */
    {0x1.5015000000000p+0, -0x1.16b5c8bacfb53p-2, -0x1.66fb7d35eafe0p-56}, /* [0.759766, 0.763672) */
    {0x1.4e5e000000000p+0, -0x1.1178c8227dc7cp-2, 0x1.0fb8fb4d71be9p-57}, /* [0.763672, 0.767578) */
    {0x1.4cab800000000p+0, -0x1.0c42bc7615d9bp-2, -0x1.14be4f242d641p-58}, /* [0.767578, 0.771484) */
    {0x1.4afd600000000p+0, -0x1.07136704d50e0p-2, -0x1.cd16457c0dddep-56}, /* [0.771484, 0.775391) */
    {0x1.4953a00000000p+0, -0x1.01eaeae26c654p-2, -0x1.dcfbbc5b020adp-56}, /* [0.775391, 0.779297) */
    {0x1.47ae200000000p+0, -0x1.f9920ecb39f39p-3, -0x1.f84b0662c78a7p-57}, /* [0.779297, 0.783203) */
    {0x1.460cc00000000p+0, -0x1.ef5af44dcfe02p-3, 0x1.088f7331ff106p-58}, /* [0.783203, 0.787109) */
    {0x1.446f800000000p+0, -0x1.e530c7fe709d2p-3, -0x1.2128aec50baebp-59}, /* [0.787109, 0.791016) */
    {0x1.42d6600000000p+0, -0x1.db13cc0d4885fp-3, -0x1.aa090a9f8a6f8p-58}, /* [0.791016, 0.794922) */
    {0x1.4141400000000p+0, -0x1.d103772655e3bp-3, -0x1.6061e7979bef7p-57}, /* [0.794922, 0.798828) */
    {0x1.3fb0200000000p+0, -0x1.c700096eff848p-3, 0x1.8c06412b92c3bp-57}, /* [0.798828, 0.802734) */
    {0x1.3e22c00000000p+0, -0x1.bd082783bc21dp-3, -0x1.cb58b440627f0p-60}, /* [0.802734, 0.806641) */
    {0x1.3c99600000000p+0, -0x1.b31daa75bc8e4p-3, 0x1.6311b6e3fa070p-57}, /* [0.806641, 0.810547) */
    {0x1.3b13c00000000p+0, -0x1.a93f33c8ab5e3p-3, -0x1.c12fa9b61721cp-57}, /* [0.810547, 0.814453) */
    {0x1.3991c00000000p+0, -0x1.9f6c2e7089520p-3, -0x1.35833605b33cfp-59}, /* [0.814453, 0.818359) */
    {0x1.3813800000000p+0, -0x1.95a5a5cf7013fp-3, -0x1.142afb2a614e8p-58}, /* [0.818359, 0.822266) */
    {0x1.3698e00000000p+0, -0x1.8beb03b38fe73p-3, -0x1.55aadebeecd25p-58}, /* [0.822266, 0.826172) */
    {0x1.3521c00000000p+0, -0x1.823bae5517982p-3, 0x1.17eb795331a50p-57}, /* [0.826172, 0.830078) */
    {0x1.33ae400000000p+0, -0x1.7898b254446cfp-3, -0x1.ef008965a8b9cp-58}, /* [0.830078, 0.833984) */
    {0x1.323e400000000p+0, -0x1.6f0174b75542cp-3, 0x1.8baa06dc7498fp-57}, /* [0.833984, 0.837891) */
    {0x1.30d1a00000000p+0, -0x1.657556e8be681p-3, 0x1.a17633e4d3c0ep-60}, /* [0.837891, 0.841797) */
    {0x1.2f68400000000p+0, -0x1.5bf3b6b5424b2p-3, 0x1.4905f0a40a32ep-61}, /* [0.841797, 0.845703) */
    {0x1.2e02600000000p+0, -0x1.527e794a1b2b4p-3, 0x1.700f5827a3b85p-61}, /* [0.845703, 0.849609) */
    {0x1.2c9fc00000000p+0, -0x1.4914243339ed1p-3, 0x1.08deda083577bp-58}, /* [0.849609, 0.853516) */
    {0x1.2b40400000000p+0, -0x1.3fb4105991368p-3, 0x1.da8e0cee44290p-57}, /* [0.853516, 0.857422) */
    {0x1.29e4200000000p+0, -0x1.3660270156f06p-3, -0x1.852cef6c97929p-58}, /* [0.857422, 0.861328) */
    {0x1.288b000000000p+0, -0x1.2d1608c8680fap-3, 0x1.499b947b05eb5p-58}, /* [0.861328, 0.865234) */
    {0x1.2735000000000p+0, -0x1.23d6c2a49a902p-3, 0x1.70d2c0ce8481ep-57}, /* [0.865234, 0.869141) */
    {0x1.25e2200000000p+0, -0x1.1aa286e23edc9p-3, 0x1.c953defb83259p-59}, /* [0.869141, 0.873047) */
    {0x1.2492400000000p+0, -0x1.1178a8227d47cp-3, 0x1.110e50aac7142p-58}, /* [0.873047, 0.876953) */
    {0x1.2345600000000p+0, -0x1.08595659e2f0ep-3, 0x1.de31e33e99cf7p-57}, /* [0.876953, 0.880859) */
    {0x1.21fb800000000p+0, -0x1.fe89839dbbce6p-4, 0x1.aad5ecca04e3bp-58}, /* [0.880859, 0.884766) */
    {0x1.20b4800000000p+0, -0x1.ec7470309b600p-4, 0x1.891e9a1afee90p-59}, /* [0.884766, 0.888672) */
    {0x1.1f70400000000p+0, -0x1.da72063842e22p-4, -0x1.3e5651b87cac0p-58}, /* [0.888672, 0.892578) */
    {0x1.1e2f000000000p+0, -0x1.c886301bc0ea3p-4, -0x1.aa7b5fcb201d0p-58}, /* [0.892578, 0.896484) */
    {0x1.1cf0600000000p+0, -0x1.b6abecdad2b94p-4, 0x1.09ff8f18641e2p-59}, /* [0.896484, 0.900391) */
    {0x1.1bb4a00000000p+0, -0x1.a4e72a0b1b5a6p-4, 0x1.5b9c2559e6280p-58}, /* [0.900391, 0.904297) */
    {0x1.1a7ba00000000p+0, -0x1.933675d592109p-4, 0x1.43be8589edcabp-58}, /* [0.904297, 0.908203) */
    {0x1.1945400000000p+0, -0x1.819856f40c9a8p-4, -0x1.c1e34a7b6e3bdp-60}, /* [0.908203, 0.912109) */
    {0x1.1811800000000p+0, -0x1.700d20aeac061p-4, 0x1.72610cbd807b0p-61}, /* [0.912109, 0.916016) */
    {0x1.16e0600000000p+0, -0x1.5e9526d9772c9p-4, -0x1.f0fc1bb6be604p-58}, /* [0.916016, 0.919922) */
    {0x1.15b1e00000000p+0, -0x1.4d30bdd206f8cp-4, -0x1.75c16d6e9bc76p-58}, /* [0.919922, 0.923828) */
    {0x1.1486000000000p+0, -0x1.3be03a7d18c64p-4, -0x1.972cc16490a87p-59}, /* [0.923828, 0.927734) */
    {0x1.135c800000000p+0, -0x1.2aa03a4471725p-4, 0x1.d15e8e285094cp-58}, /* [0.927734, 0.931641) */
    {0x1.1235800000000p+0, -0x1.1972e5145fa47p-4, 0x1.8ef9377de8fa5p-59}, /* [0.931641, 0.935547) */
    {0x1.1111200000000p+0, -0x1.085a6b59dd807p-4, 0x1.cf255f7b9141ep-58}, /* [0.935547, 0.939453) */
    {0x1.0fef000000000p+0, -0x1.eea2fc006b77cp-5, 0x1.3e5273e628117p-59}, /* [0.939453, 0.943359) */
    {0x1.0ecf600000000p+0, -0x1.ccb854ddd663cp-5, 0x1.dd953b288548ap-59}, /* [0.943359, 0.947266) */
    {0x1.0db2000000000p+0, -0x1.aaeded0faacfcp-5, -0x1.79a90f5fb5f96p-61}, /* [0.947266, 0.951172) */
    {0x1.0c97200000000p+0, -0x1.894bf149f4503p-5, -0x1.c0dc96a81dea0p-60}, /* [0.951172, 0.955078) */
    {0x1.0b7e600000000p+0, -0x1.67c78b2d3f3d4p-5, -0x1.cd719cdd6d5f6p-60}, /* [0.955078, 0.958984) */
    {0x1.0a68200000000p+0, -0x1.466cc542d0a5ap-5, 0x1.ac69841116b38p-59}, /* [0.958984, 0.962891) */
    {0x1.0954000000000p+0, -0x1.2530b2f8c883fp-5, 0x1.827f79c8158b5p-59}, /* [0.962891, 0.966797) */
    {0x1.0842200000000p+0, -0x1.0417b89e66344p-5, -0x1.e384f04bd174bp-59}, /* [0.966797, 0.970703) */
    {0x1.0732600000000p+0, -0x1.c63d06c14aa2ap-6, 0x1.ce0457bdc1ca0p-60}, /* [0.970703, 0.974609) */
    {0x1.0624e00000000p+0, -0x1.8493028c8bb9fp-6, 0x1.d123e5b7d9bfcp-60}, /* [0.974609, 0.978516) */
    {0x1.0519800000000p+0, -0x1.432ab25980c41p-6, 0x1.8cda48e559ae8p-60}, /* [0.978516, 0.982422) */
    {0x1.0410400000000p+0, -0x1.0205258935647p-6, -0x1.27c392ec151cap-60}, /* [0.982422, 0.986328) */
    {0x1.0309200000000p+0, -0x1.8246da3884d1ap-7, -0x1.0cefebc602541p-62}, /* [0.986328, 0.990234) */
    {0x1.0204000000000p+0, -0x1.00fd57587de71p-7, -0x1.1bbb8196d23bfp-62}, /* [0.990234, 0.994141) */
    {0x1.0101000000000p+0, -0x1.007f559588335p-8, -0x1.f950e379fe121p-62}, /* [0.994141, 0.998047) */
    {0x1.0000000000000p+0, 0x0.0p+0, 0x0.0p+0}, /* [0.998047, 1.003906) */
    {0x1.fc08000000000p-1, 0x1.fdfaa6b126789p-8, -0x1.ce682ce31a038p-65}, /* [1.003906, 1.011719) */
    {0x1.f81f800000000p-1, 0x1.fc0b0b0fc07e4p-7, -0x1.82f3d703fed4cp-62}, /* [1.011719, 1.019531) */
    {0x1.f446600000000p-1, 0x1.7b90e87d5c4a3p-6, -0x1.5c02ed7767837p-60}, /* [1.019531, 1.027344) */
    {0x1.f07c200000000p-1, 0x1.f82990e783380p-6, 0x1.33e345a474878p-60}, /* [1.027344, 1.035156) */
    {0x1.ecc0800000000p-1, 0x1.39e82b9fec3a0p-5, -0x1.5c243e29b1a65p-59}, /* [1.035156, 1.042969) */
    {0x1.e913200000000p-1, 0x1.774537632e48cp-5, 0x1.189c5532d6361p-59}, /* [1.042969, 1.050781) */
    {0x1.e573a00000000p-1, 0x1.b42eab1199da3p-5, -0x1.e5888c4dc1676p-60}, /* [1.050781, 1.058594) */
    {0x1.e1e1e00000000p-1, 0x1.f0a32c01163a6p-5, 0x1.85f5d07068577p-59}, /* [1.058594, 1.066406) */
    {0x1.de5d600000000p-1, 0x1.1653e8ea397f3p-4, -0x1.709ddbaca6cd7p-60}, /* [1.066406, 1.074219) */
    {0x1.dae6000000000p-1, 0x1.341db961bd9d1p-4, -0x1.b5449cd169766p-58}, /* [1.074219, 1.082031) */
    {0x1.d77b600000000p-1, 0x1.51b0a1f061c61p-4, 0x1.a4bde8f74265bp-58}, /* [1.082031, 1.089844) */
    {0x1.d41d400000000p-1, 0x1.6f0d38ae56bccp-4, -0x1.906c43c2f543dp-58}, /* [1.089844, 1.097656) */
    {0x1.d0cb600000000p-1, 0x1.8c341f631a2a3p-4, -0x1.4cd620018bdf8p-61}, /* [1.097656, 1.105469) */
    {0x1.cd85600000000p-1, 0x1.a9271fa4ae0abp-4, 0x1.94be2e01c350fp-58}, /* [1.105469, 1.113281) */
    {0x1.ca4b400000000p-1, 0x1.c5e4bcf5bed8bp-4, 0x1.4f6c94a902b1fp-60}, /* [1.113281, 1.121094) */
    {0x1.c71c800000000p-1, 0x1.e26ff6e2b12e6p-4, -0x1.6c022a6c8ac26p-60}, /* [1.121094, 1.128906) */
    {0x1.c3f9000000000p-1, 0x1.fec8831dc133bp-4, -0x1.5b12b97e7a378p-58}, /* [1.128906, 1.136719) */
    {0x1.c0e0800000000p-1, 0x1.0d779fcd0a299p-3, 0x1.9877c5f5d38a6p-57}, /* [1.136719, 1.144531) */
    {0x1.bdd2c00000000p-1, 0x1.1b728b52f6c24p-3, 0x1.47c9c89dc86d9p-58}, /* [1.144531, 1.152344) */
    {0x1.bacfa00000000p-1, 0x1.2954eb8200733p-3, 0x1.2e7e07238f390p-57}, /* [1.152344, 1.160156) */
    {0x1.b7d6c00000000p-1, 0x1.371fd401e90b8p-3, 0x1.de7be62b0b2b0p-58}, /* [1.160156, 1.167969) */
    {0x1.b4e8200000000p-1, 0x1.44d2a0ccb7f02p-3, 0x1.9f4187eea93bap-57}, /* [1.167969, 1.175781) */
    {0x1.b203600000000p-1, 0x1.526e713a1b5a1p-3, -0x1.74670a4f0b95cp-57}, /* [1.175781, 1.183594) */
    {0x1.af28600000000p-1, 0x1.5ff33f0a7a014p-3, -0x1.ba979a5110a16p-58}, /* [1.183594, 1.191406) */
    {0x1.ac57000000000p-1, 0x1.6d6106719d25dp-3, -0x1.caad7be421ecep-57}, /* [1.191406, 1.199219) */
    {0x1.a98f000000000p-1, 0x1.7ab860210e209p-3, 0x1.bbf6b2e0c0605p-59}, /* [1.199219, 1.207031) */
    {0x1.a6d0200000000p-1, 0x1.87f9eb520cbeap-3, -0x1.bf997cf9c7fa2p-57}, /* [1.207031, 1.214844) */
    {0x1.a41a400000000p-1, 0x1.9525b1cf456f4p-3, 0x1.d9056c7f8e0d0p-57}, /* [1.214844, 1.222656) */
    {0x1.a16d400000000p-1, 0x1.a23bbffe2b567p-3, 0x1.9371105cfef01p-59}, /* [1.222656, 1.230469) */
    {0x1.9ec8e00000000p-1, 0x1.af3cc2e80c837p-3, -0x1.388f848751cc9p-58}, /* [1.230469, 1.238281) */
    {0x1.9c2d200000000p-1, 0x1.bc283042d98a7p-3, 0x1.4e1d2fa680548p-58}, /* [1.238281, 1.246094) */
    {0x1.9999a00000000p-1, 0x1.c8ff5c79a9e22p-3, -0x1.4f934a2e5eabcp-57}, /* [1.246094, 1.253906) */
    {0x1.970e400000000p-1, 0x1.d5c264b4fd355p-3, 0x1.70ae1da98b451p-57}, /* [1.253906, 1.261719) */
    {0x1.948b000000000p-1, 0x1.e270c6e2b0be6p-3, -0x1.56ecd50915690p-59}, /* [1.261719, 1.269531) */
    {0x1.920fc00000000p-1, 0x1.ef0aa2bdc665ap-3, 0x1.47656c00ec33dp-57}, /* [1.269531, 1.277344) */
    {0x1.8f9c200000000p-1, 0x1.fb9162d5e433bp-3, -0x1.cae7a64e54a4bp-57}, /* [1.277344, 1.285156) */
    {0x1.8d30200000000p-1, 0x1.040246cb4d2edp-2, 0x1.6b68f5189fa7bp-56}, /* [1.285156, 1.292969) */
    {0x1.8acba00000000p-1, 0x1.0a32272739cc5p-2, 0x1.7c9aea8934f83p-56}, /* [1.292969, 1.300781) */
    {0x1.886e600000000p-1, 0x1.1058bd1ae4ae2p-2, -0x1.9d819228227f2p-56}, /* [1.300781, 1.308594) */
    {0x1.8618600000000p-1, 0x1.1675cebaba62ep-2, 0x1.ce6e9563361c2p-61}, /* [1.308594, 1.316406) */
    {0x1.83c9800000000p-1, 0x1.1c89761699dc3p-2, -0x1.11d3b7f6fad9ep-60}, /* [1.316406, 1.324219) */
    {0x1.8181800000000p-1, 0x1.229423bcf7986p-2, -0x1.76f595b40cf5ap-56}, /* [1.324219, 1.332031) */
    {0x1.7f40600000000p-1, 0x1.2895a0bde86a4p-2, -0x1.0a5b682d74d38p-57}, /* [1.332031, 1.339844) */
    {0x1.7d06000000000p-1, 0x1.2e8e0bae12531p-2, -0x1.8ff7863c968a5p-56}, /* [1.339844, 1.347656) */
    {0x1.7ad2200000000p-1, 0x1.347ddb2987d59p-2, 0x1.5915a1bfb7318p-56}, /* [1.347656, 1.355469) */
    {0x1.78a4c00000000p-1, 0x1.3a64db56949b2p-2, -0x1.c61766e7eb650p-57}, /* [1.355469, 1.363281) */
    {0x1.767dc00000000p-1, 0x1.40432f686b3c6p-2, -0x1.0a9ac1ff59ae5p-56}, /* [1.363281, 1.371094) */
    {0x1.745d200000000p-1, 0x1.4618a421c6342p-2, 0x1.f3e5ece010f1cp-56}, /* [1.371094, 1.378906) */
    {0x1.7242800000000p-1, 0x1.4be60f5777c69p-2, -0x1.252c4b03d3e12p-57}, /* [1.378906, 1.386719) */
    {0x1.702e000000000p-1, 0x1.51aae872dfa2dp-2, 0x1.39d256c6a008ep-59}, /* [1.386719, 1.394531) */
    {0x1.6e1f800000000p-1, 0x1.5767577455fb4p-2, 0x1.520f507f49fa1p-56}, /* [1.394531, 1.402344) */
    {0x1.6c16c00000000p-1, 0x1.5d1bdff5809eap-2, 0x1.42368d931d936p-56}, /* [1.402344, 1.410156) */
};

/* log(x) = *hi + *lo for finite x > 0 (normal or subnormal); |*lo| <= ulp(*hi). */
static inline void log_dd(double x, double *hi, double *lo)
{
    if (dm_bits(x) < 0x0010000000000000ULL)   /* subnormal: scale into the normal range */
        dm_log_core(dm_bits(x * 0x1p52), 52.0, hi, lo);
    else
        dm_log_core(dm_bits(x), 0.0, hi, lo);
}

double ty_log(double x)
{
    if (x != x) return x + x;
    if (x < 0.0) return NAN;
    if (x == 0.0) return -INFINITY;
    if (x == INFINITY) return x;
    double hi, lo;
    log_dd(x, &hi, &lo);
    return hi + lo;
}

/* ---- pow ---- */

/* 0: y is not an integer (or is infinite); 1: an odd integer; 2: an even integer. */
static int integer_kind(double y)
{
    if (!(y == y) || y == INFINITY || y == -INFINITY) return 0;
    double a = fabs(y);
    if (a >= 0x1p53) return 2;                /* every double this large is even */
    if (floor(a) != a) return 0;
    return floor(a * 0.5) * 2.0 == a ? 2 : 1;
}

double ty_pow(double x, double y)
{
    uint64_t ix = dm_bits(x), iy = dm_bits(y);
    int negate = 0;
    /* the common case first: x positive and finite, y finite and not 0, x not 1 */
    if (ix - 1 >= 0x7fefffffffffffffULL || (iy << 1) - 1 >= 0xffdfffffffffffffULL || x == 1.0) {
        if (y == 0.0 || x == 1.0) return 1.0; /* even for NaN */
        if (x != x || y != y) return x + y;
        if (y == INFINITY || y == -INFINITY) {
            double a = fabs(x);
            if (a == 1.0) return 1.0;         /* pow(-1, +-inf) */
            return (a < 1.0) == (y > 0.0) ? 0.0 : INFINITY;
        }
        int yk = integer_kind(y);
        if (x == 0.0) {
            if (y < 0.0) return yk == 1 ? copysign(INFINITY, x) : INFINITY;
            return yk == 1 ? x : 0.0;
        }
        if (x == INFINITY) return y < 0.0 ? 0.0 : INFINITY;
        if (x == -INFINITY) {
            if (y < 0.0) return yk == 1 ? -0.0 : 0.0;
            return yk == 1 ? -INFINITY : INFINITY;
        }
        /* x < 0, finite, not 0 */
        if (yk == 0) return NAN;              /* a negative base, a non-integer exponent */
        negate = yk == 1;
        x = -x;
    }
    double lh, ll;
    log_dd(x, &lh, &ll);
    double p = y * lh;
    double r;
    if (p > 709.8) r = INFINITY;              /* also keeps y small enough for two_prod */
    else if (p < -745.2) r = 0.0;
    else {
        double pe;
        p = dm_two_prod(y, lh, &pe);
        r = exp_dd(p, pe + y * ll);
    }
    return negate ? -r : r;
}

/* ---- erfc ---- */

#define INV_SQRT_PI 0x1.20dd750429b6dp-1      /* 1 / sqrt(pi) */

double ty_erfc(double x)
{
    if (x != x) return x + x;
    double a = fabs(x), r;
    if (a < 0.5) {
        /* erf(x) = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1)) */
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n <= 14; n++) {
            term *= -x2 / n;
            sum += term / (2 * n + 1);
        }
        return 1.0 - 2.0 * INV_SQRT_PI * sum;
    }
    if (a > 27.3) r = 0.0;                    /* e^-745.3: below the least subnormal */
    else {
        int depth = (int)(40.0 + 330.0 / (a * a));
        double f = a;
        for (int k = depth; k >= 1; k--) f = a + (0.5 * k) / f;
        double se, s = dm_two_prod(a, a, &se);
        r = exp_dd(-s, -se) * INV_SQRT_PI / f;
    }
    return x < 0.0 ? 2.0 - r : r;
}
