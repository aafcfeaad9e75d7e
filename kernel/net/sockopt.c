/* sockopt.c: setsockopt/getsockopt for every socket (socket.h). The SOL_SOCKET options
 * live in struct sock; anything else goes to the protocol. Values follow Linux: buffer
 * sizes are doubled on set (the kernel's bookkeeping overhead) and clamped; timeouts are
 * struct timeval with 0 meaning none. */
#include "core/errno.h"
#include "lib/string.h"
#include "net/socket.h"

struct ktimeval {
	int64_t sec, usec;
};

static int opt_int(const void *val, uint32_t len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int opt_timeo(const void *val, uint32_t len, uint64_t *out)
{
	struct ktimeval tv;

	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0) {
		*out = 0;
		return 0;
	}
	if ((uint64_t)tv.sec > UINT64_MAX / 1000000000ull - 1)
		*out = 0;
	else
		*out = (uint64_t)tv.sec * 1000000000ull + (uint64_t)tv.usec * 1000ull;
	return 0;
}

static uint32_t buf_size(int v, uint32_t min)
{
	uint32_t u = v < 0 ? 0 : (uint32_t)v;

	if (u > SOCK_RMEM_MAX)
		u = SOCK_RMEM_MAX;
	u *= 2;
	return u < min ? min : u;
}

int sock_setsockopt(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	int v = 0, r;

	if (level != SOL_SOCKET)
		return s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, len)
					  : -ENOPROTOOPT;
	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO)
		return opt_timeo(val, len, name == SO_RCVTIMEO ? &s->rcvtimeo_ns : &s->sndtimeo_ns);
	r = opt_int(val, len, &v);
	if (r < 0)
		return r;
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		break;
	case SO_REUSEPORT:
		s->reuseport = v != 0;
		break;
	case SO_BROADCAST:
		s->broadcast = v != 0;
		break;
	case SO_KEEPALIVE:
		s->keepalive = v != 0;
		break;
	case SO_RCVBUF:
		s->rcvbuf = buf_size(v, SOCK_MIN_RCVBUF);
		break;
	case SO_SNDBUF:
		s->sndbuf = buf_size(v, SOCK_MIN_SNDBUF);
		break;
	case SO_DEBUG:
	case SO_DONTROUTE:
		break;
	case SO_TYPE:
	case SO_ERROR:
	case SO_PROTOCOL:
	case SO_DOMAIN:
		return -ENOPROTOOPT;
	default:
		return s->ops->setsockopt ? s->ops->setsockopt(s, level, name, val, len)
					  : -ENOPROTOOPT;
	}
	if (s->ops->opt_changed)
		s->ops->opt_changed(s);
	return 0;
}

int sock_getsockopt(struct sock *s, int level, int name, void *val, uint32_t *len)
{
	int v;

	if (level != SOL_SOCKET)
		return s->ops->getsockopt ? s->ops->getsockopt(s, level, name, val, len)
					  : -ENOPROTOOPT;
	switch (name) {
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns : s->sndtimeo_ns;
		struct ktimeval tv = {(int64_t)(ns / 1000000000ull),
				      (int64_t)(ns % 1000000000ull / 1000)};
		if (*len > sizeof(tv))
			*len = sizeof(tv);
		memcpy(val, &tv, *len);
		return 0;
	}
	case SO_REUSEADDR:
		v = s->reuseaddr;
		break;
	case SO_REUSEPORT:
		v = s->reuseport;
		break;
	case SO_BROADCAST:
		v = s->broadcast;
		break;
	case SO_KEEPALIVE:
		v = s->keepalive;
		break;
	case SO_RCVBUF:
		v = (int)s->rcvbuf;
		break;
	case SO_SNDBUF:
		v = (int)s->sndbuf;
		break;
	case SO_TYPE:
		v = s->type;
		break;
	case SO_DOMAIN:
		v = s->family;
		break;
	case SO_PROTOCOL:
		v = s->protocol;
		break;
	case SO_ERROR:
		v = -sock_take_error(s);
		break;
	case SO_DEBUG:
	case SO_DONTROUTE:
		v = 0;
		break;
	default:
		return s->ops->getsockopt ? s->ops->getsockopt(s, level, name, val, len)
					  : -ENOPROTOOPT;
	}
	if (*len > sizeof(v))
		*len = sizeof(v);
	memcpy(val, &v, *len);
	return 0;
}
