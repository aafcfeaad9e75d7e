/* tcp.h: TCP (RFC 9293) connection blocks as the socket layer (inet_stream.c) and the
 * unit tests see them. tcp.c holds the connection table, segment input and the state
 * machine; tcp_out.c builds segments, runs the timers (retransmission per RFC 6298,
 * delayed ACK, keepalive, TIME_WAIT) and holds the calls the socket layer makes.
 * Addresses and ports are host order. Upcalls to the socket layer: tcp_wake and
 * tcp_accept_ready (defined by inet_stream.c; faked by tests). tcp_opt.c parses and builds
 * options (MSS, window scale, timestamps, SACK); tcp_cc.c is congestion control (slow
 * start, congestion avoidance, fast retransmit and NewReno recovery) and RTT estimation.
 * Locking: the BKL; everything runs in thread context (input and net_timer callbacks from
 * net_rx_poll), so no interrupt masking is needed. */
#ifndef ISLE_NET_TCP_H
#define ISLE_NET_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "net/pkt.h"
#include "net/net_timer.h"

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
};

#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20

#define TCP_MSL_NS (15ull * 1000000000ull) /* TIME_WAIT lasts 2*MSL = 30 s */
#define TCP_TW_MAX 1024			   /* TIME_WAIT blocks kept at once */
#define TCP_RTO_MIN_NS (200ull * 1000000ull)
#define TCP_RTO_INIT_NS (1000ull * 1000000ull)
#define TCP_RTO_MAX_NS (120ull * 1000000000ull)
#define TCP_RETRIES 15
#define TCP_SYN_RETRIES 6
#define TCP_DELACK_NS (40ull * 1000000ull)
#define TCP_FIN_TIMEOUT_NS (60ull * 1000000000ull) /* orphaned FIN_WAIT_2 */
#define TCP_OOO_MAX 256				   /* out-of-order segments held */
#define TCP_RBUF 262144u			   /* default receive buffer (window scaling) */
#define TCP_RBUF_MIN 4096u
#define TCP_RBUF_MAX 425984u			    /* SO_RCVBUF's largest (doubled) value */
#define TCP_WS_MAX 14				    /* RFC 7323 2.3 */
#define TCP_TS_LEN 12				    /* NOP, NOP, timestamps */
#define TCP_PAWS_IDLE_MS (24ull * 24 * 3600 * 1000) /* TS.Recent invalid after 24 days */
#define TCP_SBUF_MIN 65536u
#define TCP_SBUF_MAX 262144u
#define TCP_DEFAULT_MSS 536
#define TCP_EPHEMERAL_LO 32768
#define TCP_EPHEMERAL_HI 60999

struct ring {
	uint8_t *b;
	uint32_t cap, head, len;
};

struct tcp_ooo {
	struct tcp_ooo *next;
	uint32_t seq, len;
	bool fin;
	uint8_t data[];
};

/* Options of one segment (tcp_opt.c). ws < 0: no window scale option. */
struct tcp_opts {
	uint16_t mss;
	int ws;
	bool ts, sack_ok;
	uint32_t tsval, tsecr;
};

struct sock;

struct tcb {
	struct tcb *next;   /* the connection table */
	struct sock *sk;    /* NULL: embryonic (on a listener's queues) or orphaned */
	struct tcb *parent; /* listener, while embryonic or waiting for accept */
	struct tcb *q_next; /* the listener's accept queue */
	enum tcp_state state;
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	/* Send sequence space (RFC 9293 3.3.1). sbuf holds the bytes from snd_una on. */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint32_t cwnd, ssthresh;
	uint16_t mss;	 /* data per segment: the peer's MSS capped by ours, less TCP_TS_LEN */
	bool fin_queued; /* the user closed: FIN follows sbuf's data */
	bool fin_sent;	 /* FIN has a sequence number (snd_max covers it) */
	struct ring sbuf;
	/* Receive side. */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge advertised last */
	struct ring rbuf;
	struct tcp_ooo *ooo;
	int nooo;
	bool fin_rcvd;
	/* Timers: one net_timer armed for the earliest nonzero deadline. */
	struct net_timer timer;
	uint64_t t_rtx, t_dack, t_keep, t_wait;
	uint64_t srtt, rttvar, rto; /* ns; srtt 0 = no sample yet */
	uint32_t rtt_seq;
	uint64_t rtt_start; /* 0 = not timing */
	int retries, keep_probes;
	int unacked_segs; /* full segments received since our last ACK */
	uint64_t last_rx;
	/* RFC 7323 and RFC 2018, negotiated on the SYNs. */
	bool ws_ok, ts_ok, sack_ok;
	uint8_t snd_wscale, rcv_wscale; /* shift of the peer's windows / of ours */
	uint32_t ts_off;		/* added to our ms clock for TSval */
	uint32_t ts_recent, last_ack_sent;
	uint64_t ts_recent_ms; /* when ts_recent was set (0: not valid) */
	uint32_t sack_hist[4]; /* starts of recent out-of-order arrivals, newest first */
	/* Fast retransmit / NewReno (RFC 5681 3.2, RFC 6582). */
	int dupacks;
	bool in_recovery;
	uint32_t recover;
	/* Listener. */
	int backlog, nsyn, nacc;
	struct tcb *acc_head, *acc_tail;
	/* Options and results. */
	bool nodelay, keepalive, reuseaddr, reuseport, bound, linger0;
	int keepidle, keepintvl, keepcnt; /* seconds, seconds, probes */
	uint8_t ttl, tos;		  /* IP_TTL (0: the default, 64) and IP_TOS of segments */
	int err;       /* positive errno for the socket once the connection failed */
	bool reset;    /* connection ended by RST / error (EPIPE on send) */
	bool err_told; /* err handed to the socket (SO_ERROR) */
	bool linked;   /* in the connection table */
};

/* Counters of dropped input, for tests. */
struct tcp_stats {
	uint64_t bad_hdr, bad_csum, bad_opt, no_conn, syn_drop, rst_ignored, out_seq, ooo_drop,
		paws_drop, retransmits, fast_retransmits, partial_acks, sent, rcvd;
};
extern struct tcp_stats tcp_stats;

/* tcp.c */
struct tcb *tcp_tcb_new(void);
void tcp_tcb_link(struct tcb *t);
void tcp_tcb_free(struct tcb *t); /* unlink, cancel the timer, free everything */
int tcp_tcb_count(void);
/* Connections that still owe the peer data or a FIN (unsent, or sent and not yet
 * acknowledged), orphaned ones included: the exit path waits for them, bounded. */
int tcp_pending_count(void);
void tcp_reset_all(void); /* tests */
/* Pick/check a local port: 0 or -EADDRINUSE (-EAGAIN when no ephemeral port is free). */
int tcp_bind_port(struct tcb *t, uint32_t addr, uint16_t port);
/* The connection is gone (error e, 0 for a normal end): to CLOSED, wake the user, free
 * when orphaned. Returns true when t was freed. */
bool tcp_done(struct tcb *t, int e);
void tcp_enter_time_wait(struct tcb *t);
bool tcp_seq_lt(uint32_t a, uint32_t b);
bool tcp_seq_le(uint32_t a, uint32_t b);

/* tcp_out.c */
/* Send what the windows allow (data, FIN); force = an ACK even with nothing to send. */
void tcp_output(struct tcb *t, bool force);
void tcp_send_ctl(struct tcb *t, uint32_t seq, uint8_t flags);
void tcp_send_rst_for(const uint8_t *th, uint32_t seglen, uint32_t src, uint32_t dst);
void tcp_timer_update(struct tcb *t);
void tcp_timer_fn(struct net_timer *k);
/* New data acknowledged; tsecr: the segment's TSecr (0: none) for an RTT sample. */
void tcp_ack_rcvd(struct tcb *t, uint32_t ack, uint32_t tsecr);
uint32_t tcp_rcv_window(const struct tcb *t);
void tcp_schedule_ack(struct tcb *t, bool full_segment);
int tcp_connect(struct tcb *t, uint32_t raddr, uint16_t rport);
int tcp_listen(struct tcb *t, int backlog);
long tcp_send(struct tcb *t, const void *buf, uint32_t n);
long tcp_recv(struct tcb *t, void *buf, uint32_t n, bool peek);
void tcp_close(struct tcb *t); /* the user is gone: FIN (or RST), then orphan */
void tcp_shutdown_wr(struct tcb *t);
void tcp_abort(struct tcb *t); /* RST and free */
struct tcb *tcp_accept_take(struct tcb *l);
uint16_t tcp_our_mss(uint32_t raddr, uint32_t rbuf);
/* Resend one segment from SND.UNA (fast retransmit, partial ACK). */
void tcp_retransmit_una(struct tcb *t);
uint32_t tcp_rbuf_size(uint32_t so_rcvbuf); /* SO_RCVBUF (0: default) -> receive buffer */

/* tcp_opt.c */
/* Parse n option bytes: unknown kinds are skipped by their length; a zero, short or
 * overlong length stops parsing (what came before stays) and returns -EINVAL. */
int tcp_parse_opts(const uint8_t *o, uint32_t n, struct tcp_opts *out);
/* Build the options for a segment with these flags carrying n data bytes into o (40
 * bytes): MSS, window scale, SACK-permitted and timestamps on SYNs as negotiated, then
 * timestamps and SACK blocks. Returns the length, a multiple of 4. */
uint32_t tcp_build_opts(struct tcb *t, uint8_t flags, uint32_t n, uint8_t *o);
uint32_t tcp_ts_now(const struct tcb *t); /* TSval: a ms clock plus ts_off */
/* Take what the peer's SYN (active: its SYN,ACK) offered: window scale shifts,
 * timestamps (TS.Recent from its TSval), SACK-permitted, the MSS less the TS option. */
void tcp_negotiate(struct tcb *t, const struct tcp_opts *o, bool active);
/* PAWS (RFC 7323 5.3 R1): true when the segment is an old duplicate to drop (with an
 * ACK); a RST is never rejected; TS.Recent idle past 24 days stops counting. */
bool tcp_paws_reject(struct tcb *t, const struct tcp_opts *o, uint8_t flags);
/* R3 (RFC 7323 4.3): TS.Recent takes the TSval of a segment at or before Last.ACK.sent. */
void tcp_ts_update(struct tcb *t, const struct tcp_opts *o, uint32_t seq);
uint8_t tcp_wscale_for(uint32_t rbuf);		 /* the shift that fits rbuf into 16 bits */
void tcp_sack_note(struct tcb *t, uint32_t seq); /* out-of-order data arrived at seq */

/* tcp_cc.c */
void tcp_cc_init(struct tcb *t);
void tcp_rtt_sample(struct tcb *t, uint64_t r); /* RFC 6298 2.2/2.3, r in ns */
/* A new cumulative ACK (SND.UNA already moved to ack), acked bytes newly acknowledged:
 * grows cwnd, or handles a partial ACK (resend the next hole) or full ACK in recovery. */
void tcp_cc_ack(struct tcb *t, uint32_t ack, uint32_t acked);
void tcp_cc_dupack(struct tcb *t); /* a duplicate ACK (RFC 5681 2) */
void tcp_cc_timeout(struct tcb *t);

uint32_t ring_write(struct ring *r, const void *d, uint32_t n);
void ring_peek(const struct ring *r, uint32_t off, void *d, uint32_t n);
void ring_drop(struct ring *r, uint32_t n);

/* Upcalls (inet_stream.c). */
void tcp_wake(struct tcb *t, unsigned events);
void tcp_accept_ready(struct tcb *listener);

#endif
