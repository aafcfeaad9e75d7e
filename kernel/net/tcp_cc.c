/* tcp_cc.c: TCP congestion control and RTT estimation: slow start and congestion
 * avoidance (RFC 5681 3.1, initial window 10 segments as RFC 6928), limited transmit on
 * the first two duplicate ACKs (RFC 3042), fast retransmit on the third and NewReno fast
 * recovery (RFC 5681 3.2, RFC 6582: partial ACKs resend the next hole and stay in
 * recovery, a full ACK ends it), the retransmission timeout's reset of the window, and
 * SRTT/RTTVAR/RTO per RFC 6298. */
#include "net/tcp.h"

#define CWND_MAX (4u * 1024 * 1024)

void tcp_cc_init(struct tcb *t)
{
	t->cwnd = 10u * t->mss;
	t->ssthresh = 0xffffffffu; /* "arbitrarily high" (RFC 5681 3.1) */
	t->dupacks = 0;
	t->in_recovery = false;
	t->recover = t->snd_una;
}

void tcp_rtt_sample(struct tcb *t, uint64_t r)
{
	if (r == 0)
		r = 1; /* srtt 0 means "no sample yet" */
	if (!t->srtt) {
		t->srtt = r;
		t->rttvar = r / 2;
	} else {
		uint64_t d = t->srtt > r ? t->srtt - r : r - t->srtt;
		t->rttvar = (3 * t->rttvar + d) / 4;
		t->srtt = (7 * t->srtt + r) / 8;
	}
	uint64_t v = 4 * t->rttvar;
	if (v < 1000000)
		v = 1000000; /* clock granularity G: 1 ms */
	t->rto = t->srtt + v;
	if (t->rto < TCP_RTO_MIN_NS)
		t->rto = TCP_RTO_MIN_NS;
	if (t->rto > TCP_RTO_MAX_NS)
		t->rto = TCP_RTO_MAX_NS;
}

static uint32_t half_flight(const struct tcb *t)
{
	uint32_t flight = t->snd_max - t->snd_una;

	return flight / 2 > 2u * t->mss ? flight / 2 : 2u * t->mss; /* RFC 5681 (4) */
}

void tcp_cc_ack(struct tcb *t, uint32_t ack, uint32_t acked)
{
	if (t->in_recovery) {
		if (tcp_seq_le(t->recover, ack)) { /* full ACK: RFC 6582 3.2 step 3 (1) */
			uint32_t flight = t->snd_max - t->snd_una;
			uint32_t c = (flight > t->mss ? flight : t->mss) + t->mss;
			t->cwnd = c < t->ssthresh ? c : t->ssthresh;
			t->in_recovery = false;
			t->dupacks = 0;
			return;
		}
		/* Partial ACK (step 4): resend the first unacknowledged segment, deflate cwnd
		 * by the amount acknowledged, add back one SMSS if that was at least one. */
		tcp_stats.partial_acks++;
		tcp_retransmit_una(t);
		t->cwnd = t->cwnd > acked ? t->cwnd - acked : 0;
		if (acked >= t->mss)
			t->cwnd += t->mss;
		if (t->cwnd < t->mss)
			t->cwnd = t->mss;
		return;
	}
	t->dupacks = 0;
	if (!acked)
		return;
	if (t->cwnd < t->ssthresh) /* slow start: at most one SMSS per ACK */
		t->cwnd += acked < t->mss ? acked : t->mss;
	else /* congestion avoidance: about one SMSS per RTT */
		t->cwnd += t->mss * t->mss / t->cwnd + 1;
	if (t->cwnd > CWND_MAX)
		t->cwnd = CWND_MAX;
}

void tcp_cc_dupack(struct tcb *t)
{
	t->dupacks++;
	if (t->in_recovery) { /* each further duplicate: a segment left the network */
		t->cwnd += t->mss;
		tcp_output(t, false);
		return;
	}
	if (t->dupacks < 3 && t->cwnd) {
		/* Limited transmit (RFC 3042, RFC 5681 3.2): the first two duplicates each let
		 * one new segment out, up to cwnd + 2 SMSS outstanding, cwnd itself unchanged,
		 * so that a small window still draws the third duplicate (else every loss
		 * waits for the timeout). */
		uint32_t cwnd = t->cwnd;
		t->cwnd += (uint32_t)t->dupacks * t->mss;
		tcp_output(t, false);
		t->cwnd = cwnd;
		return;
	}
	/* RFC 6582 3.2 step 2: only when the ACK covers more than recover (no false fast
	 * retransmits after a timeout). */
	if (t->dupacks != 3 || !tcp_seq_le(t->recover, t->snd_una))
		return;
	t->ssthresh = half_flight(t);
	t->recover = t->snd_max;
	t->in_recovery = true;
	tcp_stats.fast_retransmits++;
	tcp_retransmit_una(t);
	t->cwnd = t->ssthresh + 3u * t->mss;
	tcp_output(t, false);
}

void tcp_cc_timeout(struct tcb *t)
{
	t->ssthresh = half_flight(t);
	if (t->cwnd)
		t->cwnd = t->mss; /* loss window (RFC 5681 (5)) */
	t->in_recovery = false;
	t->dupacks = 0;
	t->recover = t->snd_max; /* RFC 6582 3.2 step 6 */
}
