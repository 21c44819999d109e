/*
 * The polynomials both kernel sets evaluate (vector-math-avx2.h, vector-math-avx512.h), kept in
 * one place so the sets compute the same functions. Highest degree first, for Horner's rule.
 */
#ifndef EMBEDQ_VECTOR_MATH_CONSTANTS_H
#define EMBEDQ_VECTOR_MATH_CONSTANTS_H

/* 2^f on [-0.5, 0.5], degree 5, minimax (relative error 9e-8 before rounding). */
#define EQ_EXP2_C5 0.001326465946f
#define EQ_EXP2_C4 0.009671495491f
#define EQ_EXP2_C3 0.05550733749f
#define EQ_EXP2_C2 0.2402224235f
#define EQ_EXP2_C1 0.6931469777f
#define EQ_EXP2_C0 1.0f

/*
 * p(u) with 1 / p(u)^16 = erfc(u / sqrt 2) / 2 for u = |x| in [0, 8.5]: the form of Abramowitz and
 * Stegun 7.1.28, the degree-6 coefficients refitted (minimax on [0, 9]) for GELU's own error and
 * scaled by 2^(1/16) for the halving.
 */
#define EQ_GELU_P6 6.613346735e-06f
#define EQ_GELU_P5 4.321620577e-05f
#define EQ_GELU_P4 6.236152407e-05f
#define EQ_GELU_P3 0.003393175498f
#define EQ_GELU_P2 0.02209401083f
#define EQ_GELU_P1 0.05207181145f
#define EQ_GELU_P0 1.044273782f
/* erfc(8.5 / sqrt 2) is below 1e-16, and p^16 stays finite up to there. */
#define EQ_GELU_CLAMP 8.5f

#endif
