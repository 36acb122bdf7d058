package dev.consentrelay.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies (CIDR blocks) whose headers are believed: the geo headers a CDN sets and the client address it puts in
 * {@code X-Forwarded-For}. A request from anywhere else is taken at its own word for nothing: its geo headers are
 * ignored and its client address is the connection's.
 */
public final class TrustedProxies {

    /** Literal IPv4 or IPv6 addresses only: resolving a name here would let a header trigger a DNS lookup. */
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    private final List<Block> blocks;

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private TrustedProxies(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** No proxy is trusted. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * @param cidrs blocks such as {@code 10.0.0.0/8}, {@code 127.0.0.1/32} or {@code ::1/128}; a bare address is one
     *            host
     * @throws IllegalArgumentException naming the entry that is not a block
     */
    public static TrustedProxies of(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            String entry = cidr.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash))
                    .orElseThrow(() -> new IllegalArgumentException("'" + cidr + "' is not a CIDR block (e.g."
                            + " 10.0.0.0/8 or ::1/128)"));
            int prefix;
            try {
                prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + cidr + "' has no prefix length after '/'");
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("'" + cidr + "': the prefix length is 0 to " + network.length * 8);
            }
            blocks.add(new Block(network, prefix));
        }
        return new TrustedProxies(blocks);
    }

    /** Whether {@code address} (a literal IP address) is in a trusted block. */
    public boolean trusts(String address) {
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && blocks.stream().anyMatch(b -> b.contains(bytes.get()));
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /**
     * The client's address: the connection's, unless the connection comes from a trusted proxy; then the right-most
     * address of {@code X-Forwarded-For} that is not itself a trusted proxy (every proxy appends the address it saw, so
     * entries left of the first untrusted one could have been written by the client).
     */
    public String clientAddress(String peer, String forwardedFor) {
        if (peer == null || !trusts(peer) || forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!trusts(hop)) {
                return literal(hop).isPresent() ? hop : peer;
            }
        }
        return peer;
    }

    private static Optional<byte[]> literal(String text) {
        if (text == null || text.isBlank() || !LITERAL.matcher(text.trim()).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text.trim()).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
