"""Referral forms: the evaluator, loading, prefill from a case, referrals checked."""
