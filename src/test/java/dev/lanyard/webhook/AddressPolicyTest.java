package dev.lanyard.webhook;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The SSRF guard's classifier: address literal, refused without the operator's allowance?, refused even with it? */
class AddressPolicyTest {

    @ParameterizedTest(name = "{0}: refused {1}, even when private is allowed {2}")
    @CsvSource({
            // public
            "8.8.8.8, false, false",
            "1.1.1.1, false, false",
            "93.184.216.34, false, false",
            "100.63.255.255, false, false",
            "100.128.0.0, false, false",
            "172.15.255.255, false, false",
            "172.32.0.0, false, false",
            "192.169.0.1, false, false",
            "169.253.255.255, false, false",
            "2606:4700:4700::1111, false, false",
            "2001:4860:4860::8888, false, false",
            "::ffff:8.8.8.8, false, false",
            "64:ff9b::808:808, false, false",
            "2002:808:808::1, false, false",
            // loopback, unspecified
            "127.0.0.1, true, false",
            "127.255.255.254, true, false",
            "0.0.0.0, true, false",
            "0.1.2.3, true, false",
            "::1, true, false",
            "::, true, false",
            // RFC 1918 private
            "10.0.0.1, true, false",
            "10.255.255.255, true, false",
            "172.16.0.1, true, false",
            "172.31.255.255, true, false",
            "192.168.1.1, true, false",
            // link-local and the metadata services (never allowed)
            "169.254.0.1, true, false",
            "169.254.169.254, true, true",
            "fd00:ec2::254, true, true",
            "::ffff:169.254.169.254, true, true",
            "64:ff9b::a9fe:a9fe, true, true",
            "fe80::1, true, false",
            "febf::1, true, false",
            "fec0::1, true, false",
            // carrier-grade NAT
            "100.64.0.1, true, false",
            "100.127.255.255, true, false",
            // unique local IPv6
            "fc00::1, true, false",
            "fd12:3456:789a::1, true, false",
            // multicast, broadcast, reserved
            "224.0.0.1, true, false",
            "239.255.255.250, true, false",
            "255.255.255.255, true, false",
            "240.0.0.1, true, false",
            "ff02::1, true, false",
            "ff05::2, true, false",
            // special purpose and documentation
            "192.0.0.8, true, false",
            "192.0.2.1, true, false",
            "198.51.100.7, true, false",
            "203.0.113.9, true, false",
            "198.18.0.1, true, false",
            "198.19.255.255, true, false",
            "192.88.99.1, true, false",
            "2001:db8::1, true, false",
            "2001::1, true, false",
            "100::1, true, false",
            // IPv4 hidden inside IPv6
            "::ffff:127.0.0.1, true, false",
            "::ffff:10.1.2.3, true, false",
            "::ffff:192.168.0.1, true, false",
            "::127.0.0.1, true, false",
            "64:ff9b::7f00:1, true, false",
            "64:ff9b::a00:1, true, false",
            "2002:7f00:1::1, true, false",
            "2002:c0a8:101::1, true, false",
    })
    void classifies(String literal, boolean refused, boolean refusedEvenWhenAllowed) throws Exception {
        InetAddress a = InetAddress.getByName(literal);
        assertThat(AddressPolicy.refusal(a, false)).as("without the allowance").matches(r -> r.isPresent() == refused);
        assertThat(AddressPolicy.refusal(a, true)).as("with the allowance").matches(r -> r.isPresent() == refusedEvenWhenAllowed);
    }
}
