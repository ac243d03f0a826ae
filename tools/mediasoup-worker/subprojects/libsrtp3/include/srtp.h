/*
 * Compat header: libsrtp 3.x API (used by mediasoup >= 3.14) on top of
 * libsrtp 2.x (Debian's libsrtp2-dev). mediasoup does `#include <srtp.h>`;
 * this file is found first because the libsrtp3 shim subproject puts its
 * include/ folder on the include path.
 */
#ifndef MS_SRTP3_COMPAT_SRTP_H
#define MS_SRTP3_COMPAT_SRTP_H

#include <srtp2/srtp.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
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

#define srtp_protect ms_srtp3_protect
#define srtp_unprotect ms_srtp3_unprotect
#define srtp_protect_rtcp ms_srtp3_protect_rtcp
#define srtp_unprotect_rtcp ms_srtp3_unprotect_rtcp
#define srtp_stream_remove ms_srtp3_stream_remove

#endif /* MS_SRTP3_COMPAT_SRTP_H */
