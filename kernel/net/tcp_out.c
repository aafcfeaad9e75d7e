/* tcp_out.c: TCP output and timers (RFC 9293, RFC 6298): segment building (options from
 * tcp_opt.c), sending what the peer's window, the congestion window (tcp_cc.c) and Nagle
 * allow, receive-window advertisement (scaled, RFC 7323) with receiver SWS avoidance,
 * delayed ACKs (40 ms or every second full segment), retransmission with exponential
 * backoff and Karn's rule, zero-window probes, keepalive, TIME_WAIT expiry, and the calls
 * the socket layer makes (connect, listen, send, recv, close). */
#include "core/errno.h"
#include "core/random.h"
#include "core/time.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/ipv4.h"
#include "net/netdev.h"
#include "net/stack.h"
#include "net/tcp.h"

#define NS 1000000000ull

uint32_t ring_write(struct ring *r, const void *d, uint32_t n)
{
	uint32_t room = r->cap - r->len, tail, first;

	if (n > room)
		n = room;
	tail = (r->head + r->len) % (r->cap ? r->cap : 1);
	first = r->cap - tail < n ? r->cap - tail : n;
	memcpy(r->b + tail, d, first);
	memcpy(r->b, (const uint8_t *)d + first, n - first);
	r->len += n;
	return n;
}

void ring_peek(const struct ring *r, uint32_t off, void *d, uint32_t n)
{
	uint32_t pos = (r->head + off) % (r->cap ? r->cap : 1);
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;

	memcpy(d, r->b + pos, first);
	memcpy((uint8_t *)d + first, r->b, n - first);
}

void ring_drop(struct ring *r, uint32_t n)
{
	if (n > r->len)
		n = r->len;
	r->head = (r->head + n) % (r->cap ? r->cap : 1);
	r->len -= n;
}

uint16_t tcp_our_mss(uint32_t raddr, uint32_t rbuf)
{
	struct netdev *dev;
	uint32_t src, hop;

	if (ip_route(raddr, &dev, &src, &hop) < 0 || !dev || dev->mtu < 576)
		return TCP_DEFAULT_MSS;
	/* MTU - 40 (options excluded, RFC 6691), but at most a quarter of our receive
	 * buffer: loopback's 64 KiB MTU would otherwise allow one segment per window. */
	uint32_t m = dev->mtu - 40, cap = (rbuf ? rbuf : TCP_RBUF) / 4;
	if (m > cap)
		m = cap;
	return m > 65535 ? 65535 : (uint16_t)m;
}

uint32_t tcp_rbuf_size(uint32_t so_rcvbuf)
{
	if (!so_rcvbuf)
		return TCP_RBUF;
	if (so_rcvbuf < TCP_RBUF_MIN)
		return TCP_RBUF_MIN;
	return so_rcvbuf > TCP_RBUF_MAX ? TCP_RBUF_MAX : so_rcvbuf;
}

uint32_t tcp_rcv_window(const struct tcb *t)
{
	uint32_t fr = t->rbuf.cap - t->rbuf.len;
	uint32_t least = t->rbuf.cap / 2 < t->mss ? t->rbuf.cap / 2 : t->mss;
	uint32_t cur = tcp_seq_lt(t->rcv_nxt, t->rcv_adv) ? t->rcv_adv - t->rcv_nxt : 0;

	if (fr < least) /* receiver SWS avoidance (RFC 9293 3.8.6.2.2) */
		fr = 0;
	if (fr < cur) /* never shrink the window */
		fr = cur;
	uint32_t max = 65535u << t->rcv_wscale;
	return fr > max ? max : fr;
}

static void finish_csum(uint8_t *h, uint32_t len, uint32_t src, uint32_t dst)
{
	uint32_t sum = inet_pseudo_sum(src, dst, IPPROTO_TCP, len);

	put16(h + 16, 0);
	put16(h + 16, (uint16_t)~inet_fold(inet_sum(h, len, sum)));
}

static void send_seg(struct tcb *t, uint32_t seq, uint8_t flags, uint32_t off, uint32_t n)
{
	uint8_t opts[40];
	uint32_t ol = tcp_build_opts(t, flags, n, opts), hl = 20 + ol;
	struct pkt *p = pkt_alloc(PKT_HEADROOM, hl + n);

	if (!p)
		return;
	uint8_t *h = pkt_put(p, hl + n);
	memset(h, 0, hl);
	put16(h, t->lport);
	put16(h + 2, t->rport);
	put32(h + 4, seq);
	if (flags & TCP_F_ACK) {
		put32(h + 8, t->rcv_nxt);
		t->last_ack_sent = t->rcv_nxt;
	}
	h[12] = (uint8_t)(hl / 4) << 4;
	h[13] = flags;
	memcpy(h + 20, opts, ol);
	if (flags & TCP_F_SYN) { /* never scaled (RFC 7323 2.2) */
		uint32_t w = t->rbuf.cap > 65535 ? 65535 : t->rbuf.cap;
		put16(h + 14, (uint16_t)w);
		t->rcv_adv = t->rcv_nxt + w;
	} else {
		uint32_t w = tcp_rcv_window(t), sh = t->rcv_wscale, field = w >> sh;
		if (tcp_seq_lt(t->rcv_nxt + (field << sh), t->rcv_adv))
			field++; /* rounding down must not shrink the window */
		put16(h + 14, (uint16_t)field);
		if (tcp_seq_lt(t->rcv_adv, t->rcv_nxt + (field << sh)))
			t->rcv_adv = t->rcv_nxt + (field << sh);
	}
	if (n)
		ring_peek(&t->sbuf, off, h + hl, n);
	finish_csum(h, hl + n, t->laddr, t->raddr);
	tcp_stats.sent++;
	ip_output(p, t->laddr, t->raddr, IPPROTO_TCP, t->ttl ? t->ttl : 64, t->tos, false);
}

void tcp_send_ctl(struct tcb *t, uint32_t seq, uint8_t flags)
{
	send_seg(t, seq, flags, 0, 0);
}

void tcp_retransmit_una(struct tcb *t)
{
	uint32_t out = t->snd_max - t->snd_una;
	uint32_t n = t->sbuf.len < t->mss ? t->sbuf.len : t->mss;

	if (n > out)
		n = out;
	bool fin = t->fin_sent && t->snd_una + n + 1 == t->snd_max;
	if (!n && !fin)
		return;
	send_seg(t, t->snd_una, TCP_F_ACK | (fin ? TCP_F_FIN : 0), 0, n);
	t->rtt_start = 0; /* Karn */
}

void tcp_send_rst_for(const uint8_t *th, uint32_t datalen, uint32_t src, uint32_t dst)
{
	uint32_t seglen = datalen + !!(th[13] & TCP_F_SYN) + !!(th[13] & TCP_F_FIN);
	struct pkt *r = pkt_alloc(PKT_HEADROOM, 20);

	if (!r)
		return;
	uint8_t *h = pkt_put(r, 20);
	memset(h, 0, 20);
	memcpy(h, th + 2, 2);
	memcpy(h + 2, th, 2);
	if (th[13] & TCP_F_ACK) { /* <SEQ=SEG.ACK><CTL=RST> */
		memcpy(h + 4, th + 8, 4);
		h[13] = TCP_F_RST;
	} else { /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
		put32(h + 8, get32(th + 4) + seglen);
		h[13] = TCP_F_RST | TCP_F_ACK;
	}
	h[12] = 5 << 4;
	finish_csum(h, 20, src, dst);
	tcp_stats.sent++;
	ip_output(r, src, dst, IPPROTO_TCP, 64, 0, false);
}

void tcp_timer_update(struct tcb *t)
{
	uint64_t d = 0, c[4] = {t->t_rtx, t->t_dack, t->t_keep, t->t_wait};

	if (t->keepalive && t->state == TCP_ESTABLISHED && !t->t_keep)
		c[2] = t->t_keep = t->last_rx + (uint64_t)t->keepidle * NS;
	if (!t->keepalive)
		c[2] = t->t_keep = 0;
	for (int i = 0; i < 4; i++)
		if (c[i] && (!d || c[i] < d))
			d = c[i];
	if (d)
		net_timer_arm(&t->timer, d);
	else
		net_timer_cancel(&t->timer);
}

static bool synchronized(const struct tcb *t)
{
	return t->state >= TCP_ESTABLISHED && t->state != TCP_TIME_WAIT;
}

static bool probe_pending; /* set by the retransmission timer for one zero-window probe */

void tcp_output(struct tcb *t, bool force)
{
	uint64_t now = time_monotonic_ns();
	bool sent = false;

	if (t->state == TCP_CLOSED || t->state == TCP_LISTEN)
		return;
	if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED) {
		if (t->snd_nxt == t->iss) {
			uint8_t fl = TCP_F_SYN | (t->state == TCP_SYN_RECEIVED ? TCP_F_ACK : 0);
			send_seg(t, t->iss, fl, 0, 0);
			t->snd_nxt = t->iss + 1;
			if (tcp_seq_lt(t->snd_max, t->snd_nxt))
				t->snd_max = t->snd_nxt;
			if (!t->t_rtx)
				t->t_rtx = now + t->rto;
			tcp_timer_update(t);
		}
		return;
	}
	if (t->state == TCP_TIME_WAIT) {
		if (force)
			tcp_send_ctl(t, t->snd_nxt, TCP_F_ACK);
		return;
	}
	for (;;) {
		uint32_t off = t->snd_nxt - t->snd_una;
		uint32_t avail = t->sbuf.len > off ? t->sbuf.len - off : 0;
		uint32_t wnd = t->snd_wnd < t->cwnd ? t->snd_wnd : t->cwnd;
		uint32_t inflight = t->snd_nxt - t->snd_una;
		uint32_t usable = wnd > inflight ? wnd - inflight : 0;
		if (probe_pending && usable == 0 && avail) {
			usable = 1;
			probe_pending = false;
		}
		uint32_t n = avail < usable ? avail : usable;
		if (n > t->mss)
			n = t->mss;
		bool fin = t->fin_queued && off <= t->sbuf.len && off + n == t->sbuf.len;
		if (n == 0 && !fin) {
			if (avail && !t->t_rtx) /* zero window: the timer probes */
				t->t_rtx = now + t->rto;
			break;
		}
		if (n < t->mss && n < avail && !fin && t->snd_nxt != t->snd_una)
			break; /* sender SWS avoidance: an ACK will open the window */
		if (n < t->mss && !fin && !t->nodelay && t->snd_nxt != t->snd_una)
			break; /* Nagle */
		uint8_t fl = TCP_F_ACK | (fin ? TCP_F_FIN : 0) | (n && n == avail ? TCP_F_PSH : 0);
		send_seg(t, t->snd_nxt, fl, off, n);
		if (!t->rtt_start && t->snd_nxt == t->snd_max) {
			t->rtt_start = now;
			t->rtt_seq = t->snd_nxt + n;
		}
		t->snd_nxt += n + (fin ? 1 : 0);
		if (fin)
			t->fin_sent = true;
		if (tcp_seq_lt(t->snd_max, t->snd_nxt))
			t->snd_max = t->snd_nxt;
		if (!t->t_rtx)
			t->t_rtx = now + t->rto;
		sent = true;
		if (fin)
			break;
	}
	if (!sent && force)
		tcp_send_ctl(t, t->snd_nxt, TCP_F_ACK);
	if (sent || force) {
		t->t_dack = 0;
		t->unacked_segs = 0;
	}
	tcp_timer_update(t);
}

void tcp_schedule_ack(struct tcb *t, bool full)
{
	if (full)
		t->unacked_segs++;
	if (t->unacked_segs >= 2) {
		tcp_output(t, true);
		return;
	}
	if (!t->t_dack) {
		t->t_dack = time_monotonic_ns() + TCP_DELACK_NS;
		tcp_timer_update(t);
	}
}

void tcp_ack_rcvd(struct tcb *t, uint32_t ack, uint32_t tsecr)
{
	uint64_t now = time_monotonic_ns();
	uint32_t acked = ack - t->snd_una;
	bool syn_acked = t->snd_una == t->iss;

	if (syn_acked && acked) /* our SYN */
		acked--;
	if (t->fin_sent && ack == t->snd_max && acked)
		acked--;
	ring_drop(&t->sbuf, acked);
	if (t->ts_ok && tsecr) { /* RFC 7323 4.1: every ACK of new data is a sample */
		uint32_t ms = tcp_ts_now(t) - tsecr;
		if (ms < 0x80000000u)
			tcp_rtt_sample(t, (uint64_t)ms * 1000000u);
		t->rtt_start = 0;
	} else if (t->rtt_start && tcp_seq_le(t->rtt_seq, ack)) {
		tcp_rtt_sample(t, now - t->rtt_start);
		t->rtt_start = 0;
	}
	t->snd_una = ack;
	if (tcp_seq_lt(t->snd_nxt, ack))
		t->snd_nxt = ack;
	t->retries = 0;
	if (syn_acked || !t->cwnd)
		tcp_cc_init(t);
	else
		tcp_cc_ack(t, ack, acked);
	t->t_rtx = t->snd_una == t->snd_max ? 0 : now + t->rto;
	tcp_timer_update(t);
	if (t->sk && acked)
		tcp_wake(t, 0);
}

void tcp_timer_fn(struct net_timer *k)
{
	struct tcb *t = k->priv;
	uint64_t now = time_monotonic_ns();

	if (t->t_wait && now >= t->t_wait) {
		tcp_done(t, 0);
		return;
	}
	if (t->t_dack && now >= t->t_dack) {
		t->t_dack = 0;
		tcp_output(t, true);
	}
	if (t->t_rtx && now >= t->t_rtx) {
		t->t_rtx = 0;
		bool syn = t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED;
		if (++t->retries > (syn ? TCP_SYN_RETRIES : TCP_RETRIES)) {
			if (synchronized(t))
				tcp_send_ctl(t, t->snd_nxt, TCP_F_RST | TCP_F_ACK);
			if (t->parent && t->state == TCP_SYN_RECEIVED)
				tcp_tcb_free(t);
			else
				tcp_done(t, ETIMEDOUT);
			return;
		}
		t->rto = t->rto * 2 > TCP_RTO_MAX_NS ? TCP_RTO_MAX_NS : t->rto * 2;
		tcp_cc_timeout(t);
		t->rtt_start = 0; /* Karn */
		t->snd_nxt = syn ? t->iss : t->snd_una;
		if (t->fin_sent && t->snd_nxt != t->snd_max)
			t->fin_sent = false;
		tcp_stats.retransmits++;
		probe_pending = t->snd_wnd == 0;
		tcp_output(t, false);
		probe_pending = false;
	}
	if (t->keepalive && t->t_keep && now >= t->t_keep && t->state == TCP_ESTABLISHED) {
		uint64_t due = t->last_rx + (uint64_t)t->keepidle * NS +
			       (uint64_t)t->keep_probes * (uint64_t)t->keepintvl * NS;
		if (now >= due) {
			if (t->keep_probes >= t->keepcnt) {
				tcp_send_ctl(t, t->snd_nxt, TCP_F_RST | TCP_F_ACK);
				tcp_done(t, ETIMEDOUT);
				return;
			}
			tcp_send_ctl(t, t->snd_una - 1, TCP_F_ACK);
			t->keep_probes++;
		}
		t->t_keep = t->last_rx + (uint64_t)t->keepidle * NS +
			    (uint64_t)t->keep_probes * (uint64_t)t->keepintvl * NS;
		if (t->t_keep <= now)
			t->t_keep = now + (uint64_t)t->keepintvl * NS;
	}
	tcp_timer_update(t);
}

static int alloc_bufs(struct tcb *t)
{
	if (!t->sbuf.cap)
		t->sbuf.cap = TCP_SBUF_MIN;
	if (!t->sbuf.b)
		t->sbuf.b = kmalloc(t->sbuf.cap);
	if (!t->rbuf.cap)
		t->rbuf.cap = TCP_RBUF;
	if (!t->rbuf.b)
		t->rbuf.b = kmalloc(t->rbuf.cap);
	return t->sbuf.b && t->rbuf.b ? 0 : -ENOMEM;
}

int tcp_connect(struct tcb *t, uint32_t raddr, uint16_t rport)
{
	struct netdev *dev;
	uint32_t src, hop;
	int r = ip_route(raddr, &dev, &src, &hop);

	if (r < 0)
		return r;
	if (alloc_bufs(t) < 0)
		return -ENOMEM;
	if (!t->bound) {
		r = tcp_bind_port(t, INADDR_ANY, 0);
		if (r < 0)
			return r;
	}
	if (t->laddr == INADDR_ANY)
		t->laddr = src ? src : (raddr >> 24 == 127 ? INADDR_LOOPBACK : src);
	t->raddr = raddr;
	t->rport = rport;
	t->iss = (uint32_t)random_u64();
	t->snd_una = t->snd_nxt = t->snd_max = t->iss;
	t->mss = tcp_our_mss(raddr, t->rbuf.cap);
	t->rcv_wscale = tcp_wscale_for(t->rbuf.cap);
	t->ts_off = (uint32_t)random_u64();
	t->last_rx = time_monotonic_ns();
	t->state = TCP_SYN_SENT;
	tcp_output(t, true);
	return 0;
}

int tcp_listen(struct tcb *t, int backlog)
{
	if (backlog < 1)
		backlog = 1;
	if (backlog > 4096)
		backlog = 4096;
	t->backlog = backlog;
	if (!t->bound) {
		int r = tcp_bind_port(t, INADDR_ANY, 0);
		if (r < 0)
			return r;
	}
	if (!t->sbuf.cap)
		t->sbuf.cap = TCP_SBUF_MIN;
	if (!t->rbuf.cap)
		t->rbuf.cap = TCP_RBUF;
	t->state = TCP_LISTEN;
	return 0;
}

long tcp_send(struct tcb *t, const void *buf, uint32_t n)
{
	if (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT)
		return -EPIPE;
	uint32_t w = ring_write(&t->sbuf, buf, n);
	if (t->cwnd == 0)
		tcp_cc_init(t);
	tcp_output(t, false);
	return w;
}

long tcp_recv(struct tcb *t, void *buf, uint32_t n, bool peek)
{
	if (n > t->rbuf.len)
		n = t->rbuf.len;
	ring_peek(&t->rbuf, 0, buf, n);
	if (peek || !n)
		return n;
	uint32_t before = tcp_seq_lt(t->rcv_nxt, t->rcv_adv) ? t->rcv_adv - t->rcv_nxt : 0;
	ring_drop(&t->rbuf, n);
	uint32_t fr = t->rbuf.cap - t->rbuf.len, max = 65535u << t->rcv_wscale;
	if (fr > max) /* a window the field cannot carry is no update */
		fr = max;
	uint32_t step = t->rbuf.cap / 2 < 2u * t->mss ? t->rbuf.cap / 2 : 2u * t->mss;
	if (synchronized(t) && fr > before && fr - before >= step)
		tcp_output(t, true); /* window update */
	return n;
}

void tcp_shutdown_wr(struct tcb *t)
{
	switch (t->state) {
	case TCP_SYN_SENT:
		tcp_done(t, 0);
		return;
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		t->state = TCP_FIN_WAIT_1;
		break;
	case TCP_CLOSE_WAIT:
		t->state = TCP_LAST_ACK;
		break;
	default:
		return;
	}
	t->fin_queued = true;
	tcp_output(t, false);
}

void tcp_abort(struct tcb *t)
{
	if (synchronized(t) || t->state == TCP_SYN_RECEIVED)
		tcp_send_ctl(t, t->snd_nxt, TCP_F_RST | TCP_F_ACK);
	t->sk = NULL;
	tcp_tcb_free(t);
}

struct tcb *tcp_accept_take(struct tcb *l)
{
	struct tcb *c = l->acc_head;

	if (!c)
		return NULL;
	l->acc_head = c->q_next;
	if (!l->acc_head)
		l->acc_tail = NULL;
	l->nacc--;
	c->q_next = NULL;
	c->parent = NULL;
	return c;
}

void tcp_close(struct tcb *t)
{
	t->sk = NULL;
	if (t->state == TCP_LISTEN) {
		struct tcb *c;
		while ((c = tcp_accept_take(t)))
			tcp_abort(c);
		t->state = TCP_CLOSED; /* embryonic children: tcp_tcb_free detaches them */
		tcp_tcb_free(t);
		return;
	}
	if (t->state == TCP_CLOSED || t->state == TCP_SYN_SENT) {
		tcp_tcb_free(t);
		return;
	}
	if (t->linger0 || t->rbuf.len) { /* unread data: RST as Linux does */
		tcp_abort(t);
		return;
	}
	tcp_shutdown_wr(t);
	if (t->state == TCP_FIN_WAIT_2 && !t->t_wait) {
		t->t_wait = time_monotonic_ns() + TCP_FIN_TIMEOUT_NS;
		tcp_timer_update(t);
	}
}
