/* tcp.c: TCP input (RFC 9293 3.10.7): the connection table (exact 4-tuple first, then
 * listeners by port with a wildcard address), header and checksum checks, the state
 * machine, RST acceptability as RFC 5961 (only an exact-sequence RST resets, an in-window
 * one draws a challenge ACK), option negotiation on the SYNs (RFC 7323 window scaling
 * and timestamps, RFC 2018 SACK-permitted), PAWS and TS.Recent (RFC 7323 5.3, 4.3),
 * duplicate-ACK detection for fast retransmit, out-of-order queueing and reassembly, and
 * ICMP errors. Output, timers and the user calls are in tcp_out.c. */
#include "net/tcp.h"
#include "core/errno.h"
#include "core/random.h"
#include "core/time.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "net/ipv4.h"
#include "net/stack.h"

struct tcp_stats tcp_stats;
static struct tcb *tcbs;
static int ntw; /* blocks in TIME_WAIT */

bool tcp_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

bool tcp_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

struct tcb *tcp_tcb_new(void)
{
	struct tcb *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	net_timer_init(&t->timer, tcp_timer_fn, t);
	t->rto = TCP_RTO_INIT_NS;
	t->mss = TCP_DEFAULT_MSS;
	t->keepidle = 7200;
	t->keepintvl = 75;
	t->keepcnt = 9;
	return t;
}

void tcp_tcb_link(struct tcb *t)
{
	if (t->linked)
		return;
	t->next = tcbs;
	tcbs = t;
	t->linked = true;
}

static void unlink_tcb(struct tcb *t)
{
	for (struct tcb **pp = &tcbs; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->linked = false;
	if (t->state == TCP_TIME_WAIT)
		ntw--;
}

/* Take an embryonic or queued child off its listener. */
static void detach_child(struct tcb *t)
{
	struct tcb *l = t->parent;

	if (!l)
		return;
	if (t->state == TCP_SYN_RECEIVED) {
		l->nsyn--;
	} else {
		for (struct tcb **pp = &l->acc_head; *pp; pp = &(*pp)->q_next)
			if (*pp == t) {
				*pp = t->q_next;
				l->nacc--;
				break;
			}
		l->acc_tail = NULL;
		for (struct tcb *c = l->acc_head; c; c = c->q_next)
			l->acc_tail = c;
	}
	t->parent = NULL;
}

void tcp_tcb_free(struct tcb *t)
{
	struct tcb *c = tcbs;

	while (c) { /* a listener's embryonic children go with it */
		if (c->parent == t) {
			tcp_tcb_free(c);
			c = tcbs;
		} else {
			c = c->next;
		}
	}
	net_timer_cancel(&t->timer);
	detach_child(t);
	if (t->linked)
		unlink_tcb(t);
	while (t->ooo) {
		struct tcp_ooo *o = t->ooo;
		t->ooo = o->next;
		kfree(o);
	}
	kfree(t->sbuf.b);
	kfree(t->rbuf.b);
	kfree(t);
}

int tcp_tcb_count(void)
{
	int n = 0;

	for (struct tcb *t = tcbs; t; t = t->next)
		n++;
	return n;
}

int tcp_pending_count(void)
{
	int n = 0;

	for (struct tcb *t = tcbs; t; t = t->next) {
		switch (t->state) {
		case TCP_ESTABLISHED:
		case TCP_CLOSE_WAIT:
		case TCP_FIN_WAIT_1:
		case TCP_CLOSING:
		case TCP_LAST_ACK:
			n += t->sbuf.len > 0 || t->snd_una != t->snd_max ||
			     (t->fin_queued && !t->fin_sent);
			break;
		default:
			break;
		}
	}
	return n;
}

void tcp_reset_all(void)
{
	while (tcbs)
		tcp_tcb_free(tcbs);
	ntw = 0;
	memset(&tcp_stats, 0, sizeof(tcp_stats));
}

/* Can t use (addr, port) next to o? */
static bool port_conflict(const struct tcb *t, const struct tcb *o, uint32_t addr, uint16_t port)
{
	if (o == t || o->lport != port || !o->bound)
		return false;
	if (addr != o->laddr && addr != INADDR_ANY && o->laddr != INADDR_ANY)
		return false;
	if (t->reuseport && o->reuseport)
		return false;
	if (t->reuseaddr && o->reuseaddr && o->state != TCP_LISTEN)
		return false;
	return true;
}

int tcp_bind_port(struct tcb *t, uint32_t addr, uint16_t port)
{
	if (port == 0) {
		uint32_t n = TCP_EPHEMERAL_HI - TCP_EPHEMERAL_LO + 1;
		uint32_t start = (uint32_t)random_below(n);
		for (uint32_t i = 0; i < n; i++) {
			uint16_t p = (uint16_t)(TCP_EPHEMERAL_LO + (start + i) % n);
			bool used = false;
			for (struct tcb *o = tcbs; o && !used; o = o->next)
				used = o != t && o->lport == p && o->bound;
			if (!used) {
				port = p;
				break;
			}
		}
		if (port == 0)
			return -EAGAIN;
	} else {
		for (struct tcb *o = tcbs; o; o = o->next)
			if (port_conflict(t, o, addr, port))
				return -EADDRINUSE;
	}
	t->laddr = addr;
	t->lport = port;
	t->bound = true;
	tcp_tcb_link(t);
	return 0;
}

static struct tcb *lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	struct tcb *wild = NULL;

	for (struct tcb *t = tcbs; t; t = t->next) {
		if (t->lport != lport)
			continue;
		if (t->state == TCP_LISTEN) {
			if (t->laddr == laddr)
				wild = t;
			else if (t->laddr == INADDR_ANY && !wild)
				wild = t;
		} else if (t->state != TCP_CLOSED && t->rport == rport && t->raddr == raddr &&
			   t->laddr == laddr) {
			return t;
		}
	}
	return wild;
}

bool tcp_done(struct tcb *t, int e)
{
	if (t->state == TCP_TIME_WAIT)
		ntw--;
	t->state = TCP_CLOSED;
	t->t_rtx = t->t_dack = t->t_keep = t->t_wait = 0;
	net_timer_cancel(&t->timer);
	if (e) {
		t->err = e;
		t->reset = true;
	}
	if (t->linked && t->sk) { /* keep the socket's block, but free the port */
		for (struct tcb **pp = &tcbs; *pp; pp = &(*pp)->next)
			if (*pp == t) {
				*pp = t->next;
				break;
			}
		t->linked = false;
	}
	if (!t->sk) {
		tcp_tcb_free(t);
		return true;
	}
	tcp_wake(t, 0);
	return false;
}

void tcp_enter_time_wait(struct tcb *t)
{
	if (ntw >= TCP_TW_MAX) {
		tcp_done(t, 0);
		return;
	}
	t->state = TCP_TIME_WAIT;
	ntw++;
	t->t_rtx = t->t_keep = 0;
	t->t_wait = time_monotonic_ns() + 2 * TCP_MSL_NS;
	tcp_timer_update(t);
}

struct seg {
	uint16_t sport, dport;
	uint32_t seq, ack, len; /* len: payload bytes */
	uint32_t wnd;		/* scaled by the peer's shift outside SYNs */
	uint8_t flags;
	const uint8_t *data;
	struct tcp_opts opt;
};

static void listen_input(struct tcb *l, const struct seg *s, const struct ip_info *ip)
{
	if (s->flags & TCP_F_RST)
		return;
	if (!(s->flags & TCP_F_SYN) || (s->flags & TCP_F_ACK))
		return;
	if (l->nsyn >= l->backlog || l->nacc >= l->backlog) {
		tcp_stats.syn_drop++;
		return;
	}
	struct tcb *c = tcp_tcb_new();
	if (!c) {
		tcp_stats.syn_drop++;
		return;
	}
	c->sbuf.cap = l->sbuf.cap; /* the buffers come with the handshake's ACK */
	c->rbuf.cap = l->rbuf.cap ? l->rbuf.cap : TCP_RBUF;
	c->laddr = ip->dst;
	c->lport = l->lport;
	c->raddr = ip->src;
	c->rport = s->sport;
	c->bound = true; /* shares the listener's port (bind conflicts see it) */
	c->reuseaddr = l->reuseaddr;
	c->reuseport = l->reuseport;
	c->parent = l;
	c->nodelay = l->nodelay;
	c->ttl = l->ttl;
	c->tos = l->tos;
	c->keepalive = l->keepalive;
	c->keepidle = l->keepidle;
	c->keepintvl = l->keepintvl;
	c->keepcnt = l->keepcnt;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->iss = (uint32_t)random_u64();
	c->snd_una = c->iss;
	c->snd_nxt = c->snd_max = c->iss;
	c->snd_wnd = s->wnd;
	tcp_negotiate(c, &s->opt, false);
	c->state = TCP_SYN_RECEIVED;
	l->nsyn++;
	tcp_tcb_link(c);
	tcp_output(c, true);
}

static void synsent_input(struct tcb *t, const struct seg *s)
{
	bool ack_ok = false;

	if (s->flags & TCP_F_ACK) {
		if (tcp_seq_le(s->ack, t->iss) || tcp_seq_lt(t->snd_max, s->ack)) {
			if (!(s->flags & TCP_F_RST))
				tcp_send_ctl(t, s->ack, TCP_F_RST);
			return;
		}
		ack_ok = true;
	}
	if (s->flags & TCP_F_RST) {
		if (ack_ok)
			tcp_done(t, ECONNREFUSED);
		return;
	}
	if (!(s->flags & TCP_F_SYN))
		return;
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_adv = t->rcv_nxt + (t->rbuf.cap > 65535 ? 65535 : t->rbuf.cap);
	tcp_negotiate(t, &s->opt, true);
	t->snd_wnd = s->wnd;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
	if (ack_ok) {
		tcp_ack_rcvd(t, s->ack, s->opt.ts ? s->opt.tsecr : 0);
		t->state = TCP_ESTABLISHED;
		tcp_output(t, true);
		tcp_wake(t, 0);
	} else { /* simultaneous open: SYN,ACK with our ISS again */
		t->state = TCP_SYN_RECEIVED;
		t->snd_nxt = t->iss;
		tcp_output(t, true);
	}
}

static bool acceptable(const struct tcb *t, const struct seg *s, uint32_t seglen)
{
	uint32_t wnd = t->rcv_adv - t->rcv_nxt;

	if ((int32_t)wnd < 0)
		wnd = 0;
	if (seglen == 0) {
		if (wnd == 0)
			return s->seq == t->rcv_nxt;
		return tcp_seq_le(t->rcv_nxt, s->seq) && tcp_seq_lt(s->seq, t->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	uint32_t last = s->seq + seglen - 1;
	return (tcp_seq_le(t->rcv_nxt, s->seq) && tcp_seq_lt(s->seq, t->rcv_nxt + wnd)) ||
	       (tcp_seq_le(t->rcv_nxt, last) && tcp_seq_lt(last, t->rcv_nxt + wnd));
}

static void queue_ooo(struct tcb *t, uint32_t seq, const uint8_t *d, uint32_t n, bool fin)
{
	struct tcp_ooo **pp = &t->ooo;

	if (t->nooo >= TCP_OOO_MAX) {
		tcp_stats.ooo_drop++;
		return;
	}
	while (*pp && tcp_seq_lt((*pp)->seq, seq))
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == seq && (*pp)->len >= n)
		return; /* duplicate */
	struct tcp_ooo *o = kmalloc(sizeof(*o) + n);
	if (!o) {
		tcp_stats.ooo_drop++;
		return;
	}
	o->seq = seq;
	o->len = n;
	o->fin = fin;
	memcpy(o->data, d, n);
	o->next = *pp;
	*pp = o;
	t->nooo++;
	tcp_sack_note(t, seq);
}

/* Append in-order bytes; returns true when a FIN became in order. */
static bool deliver(struct tcb *t, const uint8_t *d, uint32_t n, bool fin)
{
	uint32_t w = ring_write(&t->rbuf, d, n);

	t->rcv_nxt += w;
	if (w < n)
		fin = false;
	while (t->ooo && tcp_seq_le(t->ooo->seq, t->rcv_nxt) && !fin) {
		struct tcp_ooo *o = t->ooo;
		uint32_t skip = t->rcv_nxt - o->seq;
		t->ooo = o->next;
		t->nooo--;
		if (skip <= o->len) {
			uint32_t m = o->len - skip;
			uint32_t ww = ring_write(&t->rbuf, o->data + skip, m);
			t->rcv_nxt += ww;
			if (ww == m && o->fin)
				fin = true;
		}
		kfree(o);
	}
	return fin;
}

static void fin_rcvd(struct tcb *t)
{
	t->rcv_nxt++;
	t->fin_rcvd = true;
	switch (t->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		t->state = TCP_CLOSE_WAIT;
		break;
	case TCP_FIN_WAIT_1:
		if (t->fin_sent && t->snd_una == t->snd_max)
			tcp_enter_time_wait(t);
		else
			t->state = TCP_CLOSING;
		break;
	case TCP_FIN_WAIT_2:
		tcp_enter_time_wait(t);
		break;
	default:
		break;
	}
	tcp_wake(t, 0);
}

/* States where our data can be outstanding and duplicate ACKs mean loss. */
static bool synchronized_tx(const struct tcb *t)
{
	return t->state == TCP_ESTABLISHED || t->state == TCP_CLOSE_WAIT ||
	       t->state == TCP_FIN_WAIT_1 || t->state == TCP_CLOSING || t->state == TCP_LAST_ACK;
}

/* RFC 9293 3.10.7.4 for every synchronized state. */
static void sync_input(struct tcb *t, struct seg *s)
{
	uint32_t seglen = s->len + !!(s->flags & TCP_F_SYN) + !!(s->flags & TCP_F_FIN);

	if (t->state == TCP_SYN_RECEIVED && (s->flags & TCP_F_SYN) && s->seq == t->irs &&
	    !(s->flags & TCP_F_ACK)) { /* the peer resent its SYN: so do we */
		t->snd_nxt = t->iss;
		tcp_output(t, true);
		return;
	}
	if (tcp_paws_reject(t, &s->opt, s->flags)) {
		tcp_output(t, true); /* RFC 7323 5.3 R1: an ACK answers */
		return;
	}
	if (!acceptable(t, s, seglen)) {
		tcp_stats.out_seq++;
		if (!(s->flags & TCP_F_RST))
			tcp_output(t, true);
		if (t->state == TCP_TIME_WAIT && (s->flags & TCP_F_FIN))
			tcp_enter_time_wait(t);
		return;
	}
	if (!(s->flags & TCP_F_RST))
		tcp_ts_update(t, &s->opt, s->seq);
	if (s->flags & TCP_F_RST) {
		if (s->seq != t->rcv_nxt) { /* RFC 5961 3.2: challenge ACK */
			tcp_stats.rst_ignored++;
			tcp_output(t, true);
			return;
		}
		if (t->state == TCP_SYN_RECEIVED && t->parent) {
			tcp_tcb_free(t);
			return;
		}
		bool quiet = t->state == TCP_CLOSING || t->state == TCP_LAST_ACK ||
			     t->state == TCP_TIME_WAIT;
		tcp_done(t, quiet ? 0 : (t->state == TCP_SYN_RECEIVED ? ECONNREFUSED : ECONNRESET));
		return;
	}
	if (s->flags & TCP_F_SYN) { /* RFC 5961 4.2: challenge ACK */
		tcp_output(t, true);
		return;
	}
	if (!(s->flags & TCP_F_ACK))
		return;
	if (t->state == TCP_SYN_RECEIVED) {
		if (!tcp_seq_lt(t->snd_una, s->ack) || tcp_seq_lt(t->snd_max, s->ack)) {
			tcp_send_ctl(t, s->ack, TCP_F_RST);
			return;
		}
		if (!t->rbuf.b && t->parent) { /* embryonic blocks hold no buffers */
			t->sbuf.b = kmalloc(t->sbuf.cap);
			t->rbuf.b = kmalloc(t->rbuf.cap);
			if (!t->sbuf.b || !t->rbuf.b) {
				tcp_stats.syn_drop++;
				tcp_send_ctl(t, s->ack, TCP_F_RST);
				tcp_tcb_free(t);
				return;
			}
		}
		t->state = TCP_ESTABLISHED;
		t->snd_wnd = s->wnd;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = s->ack;
		struct tcb *l = t->parent;
		if (l) {
			l->nsyn--;
			t->q_next = NULL;
			if (l->acc_tail)
				l->acc_tail->q_next = t;
			else
				l->acc_head = t;
			l->acc_tail = t;
			l->nacc++;
			tcp_accept_ready(l);
		}
	}
	if (tcp_seq_lt(t->snd_max, s->ack)) { /* acks what we never sent */
		tcp_output(t, true);
		return;
	}
	if (tcp_seq_lt(t->snd_una, s->ack))
		tcp_ack_rcvd(t, s->ack, s->opt.ts ? s->opt.tsecr : 0);
	else if (s->ack == t->snd_una && t->snd_max != t->snd_una && s->len == 0 &&
		 !(s->flags & TCP_F_FIN) && s->wnd == t->snd_wnd && s->wnd && synchronized_tx(t))
		tcp_cc_dupack(t); /* RFC 5681 2 (a zero-window probe's answer is not one) */
	if (tcp_seq_lt(t->snd_wl1, s->seq) ||
	    (t->snd_wl1 == s->seq && tcp_seq_le(t->snd_wl2, s->ack))) {
		if (!t->snd_wnd && s->wnd && t->snd_nxt != t->snd_una) {
			/* The window opened: the probe byte was refused, send from SND.UNA. */
			t->snd_nxt = t->snd_una;
			if (t->fin_sent && t->snd_nxt != t->snd_max)
				t->fin_sent = false;
		}
		t->snd_wnd = s->wnd;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = s->ack;
	}
	bool fin_acked = t->fin_sent && t->snd_una == t->snd_max;
	if (fin_acked) {
		if (t->state == TCP_FIN_WAIT_1) {
			t->state = TCP_FIN_WAIT_2;
			if (!t->sk)
				t->t_wait = time_monotonic_ns() + TCP_FIN_TIMEOUT_NS;
			tcp_timer_update(t);
		} else if (t->state == TCP_CLOSING) {
			tcp_enter_time_wait(t);
		} else if (t->state == TCP_LAST_ACK) {
			tcp_done(t, 0);
			return;
		}
	}
	bool rx = t->state == TCP_ESTABLISHED || t->state == TCP_FIN_WAIT_1 ||
		  t->state == TCP_FIN_WAIT_2;
	bool fin = (s->flags & TCP_F_FIN) != 0;
	if (!rx) {
		if (t->state == TCP_TIME_WAIT && fin) {
			tcp_output(t, true);
			tcp_enter_time_wait(t);
		}
		tcp_output(t, false);
		return;
	}
	const uint8_t *d = s->data;
	uint32_t n = s->len, seq = s->seq;
	if (tcp_seq_lt(seq, t->rcv_nxt)) {
		uint32_t skip = t->rcv_nxt - seq;
		if (skip > n) { /* only the FIN is new (or nothing) */
			skip = n;
		}
		d += skip;
		n -= skip;
		seq += skip;
	}
	uint32_t room = t->rbuf.cap - t->rbuf.len;
	uint32_t off = seq - t->rcv_nxt;
	if (off + n > room) {
		n = off < room ? room - off : 0;
		fin = false;
	}
	if (n == 0 && !fin) {
		tcp_output(t, s->len > 0);
		return;
	}
	if (seq != t->rcv_nxt) {
		queue_ooo(t, seq, d, n, fin);
		tcp_output(t, true); /* duplicate ACK */
		return;
	}
	bool had_ooo = t->ooo != NULL;
	fin = deliver(t, d, n, fin);
	if (n)
		tcp_wake(t, 0);
	if (fin) {
		fin_rcvd(t);
		tcp_output(t, true);
		return;
	}
	if (had_ooo) {
		tcp_output(t, true);
		return;
	}
	tcp_schedule_ack(t, n >= t->mss);
	tcp_output(t, false);
}

void tcp_input(struct pkt *p, const struct ip_info *ip)
{
	const uint8_t *th = p->data;
	struct seg s = {0};
	uint32_t hl;

	tcp_stats.rcvd++;
	if (p->len < 20 || ip->broadcast || (ip->dst >> 28) == 0xe) {
		tcp_stats.bad_hdr++;
		goto out;
	}
	hl = (uint32_t)(th[12] >> 4) * 4;
	if (hl < 20 || hl > p->len) {
		tcp_stats.bad_hdr++;
		goto out;
	}
	if (!(p->flags & PKT_CSUM_OK)) {
		uint32_t sum = inet_pseudo_sum(ip->src, ip->dst, IPPROTO_TCP, p->len);
		if (inet_fold(inet_sum(th, p->len, sum)) != 0xffff) {
			tcp_stats.bad_csum++;
			goto out;
		}
	}
	s.sport = get16(th);
	s.dport = get16(th + 2);
	s.seq = get32(th + 4);
	s.ack = get32(th + 8);
	s.flags = th[13] & 0x3f;
	s.wnd = get16(th + 14);
	s.data = th + hl;
	s.len = p->len - hl;
	if (tcp_parse_opts(th + 20, hl - 20, &s.opt) < 0)
		tcp_stats.bad_opt++; /* the options before the bad one still count */
	if (s.sport == 0 || s.dport == 0) {
		tcp_stats.bad_hdr++;
		goto out;
	}
	struct tcb *t = lookup(ip->dst, s.dport, ip->src, s.sport);
	if (!t) {
		tcp_stats.no_conn++;
		if (!(s.flags & TCP_F_RST))
			tcp_send_rst_for(th, s.len, ip->dst, ip->src);
		goto out;
	}
	t->last_rx = time_monotonic_ns();
	t->keep_probes = 0;
	if (!(s.flags & TCP_F_SYN) && t->state >= TCP_SYN_RECEIVED)
		s.wnd <<= t->snd_wscale; /* RFC 7323 2.3 */
	if (t->state == TCP_LISTEN) {
		if ((s.flags & TCP_F_ACK) && !(s.flags & TCP_F_RST))
			tcp_send_rst_for(th, s.len, ip->dst, ip->src);
		else
			listen_input(t, &s, ip);
	} else if (t->state == TCP_SYN_SENT) {
		synsent_input(t, &s);
	} else {
		sync_input(t, &s);
	}
out:
	pkt_free(p);
}

void tcp_icmp_error(int err, const uint8_t *orig, uint32_t len)
{
	if (len < 20 || (orig[0] >> 4) != 4)
		return;
	uint32_t ihl = (uint32_t)(orig[0] & 0xf) * 4;
	if (ihl < 20 || len < ihl + 8)
		return;
	const uint8_t *th = orig + ihl;
	struct tcb *t = lookup(get32(orig + 12), get16(th), get32(orig + 16), get16(th + 2));
	if (!t || t->state == TCP_LISTEN)
		return;
	uint32_t seq = get32(th + 4);
	if (tcp_seq_lt(seq, t->snd_una) || tcp_seq_lt(t->snd_max, seq))
		return;		      /* not for data in flight */
	if (t->state == TCP_SYN_SENT) /* established connections treat it as soft */
		tcp_done(t, err);
}
