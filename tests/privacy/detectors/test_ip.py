"""Table tests of the IP address detector: IPv4 octets, IPv6 through the ipaddress module."""

from __future__ import annotations

import pytest

from workprint.privacy.detectors import find_all
from workprint.privacy.detectors.ip import IpDetector

DETECTOR = IpDetector()

POSITIVES = [
    pytest.param("from 192.168.1.10:8080", [(5, 17, "IP")], id="v4-with-port"),
    pytest.param("resolver 8.8.8.8.", [(9, 16, "IP")], id="v4-sentence-end"),
    pytest.param("ssh deploy@10.0.3.12", [(11, 20, "IP")], id="v4-in-ssh"),
    pytest.param("allow 172.16.0.0/12", [(6, 16, "IP")], id="v4-cidr"),
    pytest.param("2001:db8::8a2e:370:7334", [(0, 23, "IP")], id="v6-compressed"),
    pytest.param("fe80::1%eth0 up", [(0, 12, "IP")], id="v6-zone"),
    pytest.param(
        "[2001:db8:85a3:0:0:8a2e:370:7334]:443", [(1, 32, "IP")], id="v6-full-in-brackets"
    ),
    pytest.param("::ffff:192.0.2.128", [(0, 18, "IP")], id="v6-mapped-v4"),
    pytest.param("ip:2001:db8::1", [(3, 14, "IP")], id="v6-search-box"),
    pytest.param("search ip:fe80::1%eth0", [(10, 22, "IP")], id="v6-search-box-zone"),
    pytest.param("IP:2001:db8:85a3:0:0:8a2e:370:7334", [(3, 34, "IP")], id="v6-search-box-full"),
]
"""Texts and the exact (start, end, entity) spans the detector must return for them."""

NEGATIVES = [
    pytest.param("1.2.3", id="version-three-parts"),
    pytest.param("10.0", id="version-two-parts"),
    pytest.param("v1.2.3.4", id="version-v-prefix"),
    pytest.param("version 4.3.2.1", id="version-word"),
    pytest.param("release 2.0.1.3", id="release-word"),
    pytest.param("1.2.3.4.5", id="five-parts"),
    pytest.param("256.1.1.1", id="octet-too-big"),
    pytest.param("01.02.03.04", id="leading-zero"),
    pytest.param("127.0.0.1", id="loopback-v4"),
    pytest.param("0.0.0.0", id="unspecified-v4"),
    pytest.param("255.255.255.0", id="netmask"),
    pytest.param("::1", id="loopback-v6"),
    pytest.param("10:23:45", id="time"),
    pytest.param("00:1a:2b:3c:4d:5e", id="mac-address"),
    pytest.param("std::vector", id="cpp-scope"),
    pytest.param("Abc::Def", id="hex-letters-scope"),
    pytest.param("at:12:30:45", id="time-after-label"),
    pytest.param("ip:00:1a:2b:3c:4d:5e", id="mac-after-label"),
    pytest.param("ip::1", id="label-then-loopback"),
    pytest.param("ip:::1", id="label-then-loopback-v6"),
    pytest.param("x:std::vector", id="label-then-cpp-scope"),
    pytest.param("ip:12:34:56:78:9a:bc:de:f0:11", id="too-many-groups-after-label"),
]
"""Texts in which the detector must find nothing."""


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_finds_exact_spans(text: str, expected: list[tuple[int, int, str]]) -> None:
    spans = find_all(text, [DETECTOR])
    assert [(s.start, s.end, s.entity) for s in spans] == expected


@pytest.mark.parametrize("text", NEGATIVES)
def test_finds_nothing(text: str) -> None:
    assert find_all(text, [DETECTOR]) == []
