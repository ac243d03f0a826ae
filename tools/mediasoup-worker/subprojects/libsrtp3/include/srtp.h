/*
 * Compat header: libsrtp 3.x API (used by mediasoup >= 3.14; the opaque policy
 * object since 3.23) on top of libsrtp 2.x (Debian's libsrtp2-dev). mediasoup does `#include <srtp.h>`;
 * this file is found first because the libsrtp3 shim subproject puts its
 * include/ folder on the include path.
 */
#ifndef MS_SRTP3_COMPAT_SRTP_H
#define MS_SRTP3_COMPAT_SRTP_H

#include <srtp2/srtp.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Error codes that only exist in libsrtp 3.x. */
#define srtp_err_status_buffer_small ((srtp_err_status_t)28)
#define srtp_err_status_cryptex_err ((srtp_err_status_t)29)

/* libsrtp 3.x: separate in/out buffers and size_t lengths. */
static inline srtp_err_status_t ms_srtp3_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t mki_index)
{
	int len;
	srtp_err_status_t err;

	(void)mki_index;
	if (rtp_len > (size_t)(INT_MAX - SRTP_MAX_TRAILER_LEN) || *srtp_len < rtp_len + SRTP_MAX_TRAILER_LEN)
		return srtp_err_status_buffer_small;
	if (srtp != rtp)
		memmove(srtp, rtp, rtp_len);
	len = (int)rtp_len;
	err = srtp_protect(ctx, srtp, &len);
	if (err == srtp_err_status_ok)
		*srtp_len = (size_t)len;
	return err;
}

static inline srtp_err_status_t ms_srtp3_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len)
{
	int len;
	srtp_err_status_t err;

	if (srtp_len > (size_t)INT_MAX || *rtp_len < srtp_len)
		return srtp_err_status_buffer_small;
	if (rtp != srtp)
		memmove(rtp, srtp, srtp_len);
	len = (int)srtp_len;
	err = srtp_unprotect(ctx, rtp, &len);
	if (err == srtp_err_status_ok)
		*rtp_len = (size_t)len;
	return err;
}

static inline srtp_err_status_t ms_srtp3_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t mki_index)
{
	int len;
	srtp_err_status_t err;

	(void)mki_index;
	/* libsrtp 2.x needs SRTP_MAX_TRAILER_LEN + 4 spare bytes for SRTCP. */
	if (
	  rtcp_len > (size_t)(INT_MAX - SRTP_MAX_TRAILER_LEN - 4) ||
	  *srtcp_len < rtcp_len + SRTP_MAX_TRAILER_LEN + 4)
		return srtp_err_status_buffer_small;
	if (srtcp != rtcp)
		memmove(srtcp, rtcp, rtcp_len);
	len = (int)rtcp_len;
	err = srtp_protect_rtcp(ctx, srtcp, &len);
	if (err == srtp_err_status_ok)
		*srtcp_len = (size_t)len;
	return err;
}

static inline srtp_err_status_t ms_srtp3_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len)
{
	int len;
	srtp_err_status_t err;

	if (srtcp_len > (size_t)INT_MAX || *rtcp_len < srtcp_len)
		return srtp_err_status_buffer_small;
	if (rtcp != srtcp)
		memmove(rtcp, srtcp, srtcp_len);
	len = (int)srtcp_len;
	err = srtp_unprotect_rtcp(ctx, rtcp, &len);
	if (err == srtp_err_status_ok)
		*rtcp_len = (size_t)len;
	return err;
}

static inline srtp_err_status_t ms_srtp3_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

/* libsrtp 3.x: an opaque policy object, filled by setters, instead of a struct. */
typedef struct ms_srtp3_policy
{
	srtp_policy_t policy;
	/* libsrtp 2.x reads the master key and salt from one buffer. */
	uint8_t key[SRTP_MAX_KEY_LEN];
} * ms_srtp3_policy_t;

static inline srtp_err_status_t ms_srtp3_policy_create(ms_srtp3_policy_t* policy)
{
	*policy = (ms_srtp3_policy_t)calloc(1, sizeof(**policy));
	if (!*policy)
		return srtp_err_status_alloc_fail;
	(*policy)->policy.key = (*policy)->key;
	return srtp_err_status_ok;
}

static inline void ms_srtp3_policy_destroy(ms_srtp3_policy_t policy)
{
	free(policy);
}

static inline srtp_err_status_t ms_srtp3_policy_set_ssrc(ms_srtp3_policy_t policy, srtp_ssrc_t ssrc)
{
	policy->policy.ssrc = ssrc;
	return srtp_err_status_ok;
}

static inline srtp_err_status_t ms_srtp3_policy_set_profile(ms_srtp3_policy_t policy, srtp_profile_t profile)
{
	srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->policy.rtp, profile);

	if (err == srtp_err_status_ok)
		err = srtp_crypto_policy_set_from_profile_for_rtcp(&policy->policy.rtcp, profile);
	return err;
}

static inline srtp_err_status_t ms_srtp3_policy_add_key(
  ms_srtp3_policy_t policy,
  const uint8_t* key,
  size_t key_len,
  const uint8_t* salt,
  size_t salt_len,
  const uint8_t* mki,
  size_t mki_len)
{
	/* One key per policy, no MKI: all mediasoup asks for. */
	(void)mki;
	if (mki_len != 0 || key_len + salt_len > sizeof(policy->key))
		return srtp_err_status_bad_param;
	memcpy(policy->key, key, key_len);
	memcpy(policy->key + key_len, salt, salt_len);
	return srtp_err_status_ok;
}

static inline srtp_err_status_t ms_srtp3_policy_set_allow_repeat_tx(ms_srtp3_policy_t policy, bool allow)
{
	policy->policy.allow_repeat_tx = allow ? 1 : 0;
	return srtp_err_status_ok;
}

static inline srtp_err_status_t ms_srtp3_policy_set_window_size(ms_srtp3_policy_t policy, size_t window_size)
{
	policy->policy.window_size = (unsigned long)window_size;
	return srtp_err_status_ok;
}

/* srtp_create() copies the key, so the policy may be destroyed right after. */
static inline srtp_err_status_t ms_srtp3_create(srtp_t* session, ms_srtp3_policy_t policy)
{
	return srtp_create(session, &policy->policy);
}

#define srtp_policy_t ms_srtp3_policy_t
#define srtp_policy_create ms_srtp3_policy_create
#define srtp_policy_destroy ms_srtp3_policy_destroy
#define srtp_policy_set_ssrc ms_srtp3_policy_set_ssrc
#define srtp_policy_set_profile ms_srtp3_policy_set_profile
#define srtp_policy_add_key ms_srtp3_policy_add_key
#define srtp_policy_set_allow_repeat_tx ms_srtp3_policy_set_allow_repeat_tx
#define srtp_policy_set_window_size ms_srtp3_policy_set_window_size
#define srtp_create ms_srtp3_create
#define srtp_protect ms_srtp3_protect
#define srtp_unprotect ms_srtp3_unprotect
#define srtp_protect_rtcp ms_srtp3_protect_rtcp
#define srtp_unprotect_rtcp ms_srtp3_unprotect_rtcp
#define srtp_stream_remove ms_srtp3_stream_remove

#endif /* MS_SRTP3_COMPAT_SRTP_H */
