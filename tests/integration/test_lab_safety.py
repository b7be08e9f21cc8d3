# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab refuses a subnet that would put a route over what the machine itself needs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

import pytest
from kvmnet_lab import lab_safety, netboot_lab

VARIABLE = 'lab_default_cidr in examples/demo/lab.yml'


def test_the_demo_range_is_clear():
    lab_safety.check_lab_subnet(netboot_lab.lab_default_cidr(), VARIABLE)


def test_outside_the_lab_range_is_refused():
    with pytest.raises(lab_safety.LabCollision, match=r'203.0.113.0/24 \(lab_default_cidr in examples/demo/lab.yml\) '
                                                      r'is outside 198.18.0.0/15'):
        lab_safety.check_lab_subnet('203.0.113.0/24', VARIABLE)


def test_a_package_source_address_is_refused(monkeypatch):
    monkeypatch.setattr(lab_safety, 'package_source_addresses', lambda: {'198.18.7.80': 'deb.example.org'})
    with pytest.raises(lab_safety.LabCollision, match='198.18.7.80, which package source deb.example.org resolves '
                                                      'to; set lab_default_cidr'):
        lab_safety.check_lab_subnet('198.18.7.0/24', VARIABLE)


def test_a_host_route_is_refused(monkeypatch):
    monkeypatch.setattr(lab_safety, 'host_networks',
                        lambda: [(ipaddress.ip_network('198.18.0.0/16'), 'route 198.18.0.0/16 dev eth9')])
    with pytest.raises(lab_safety.LabCollision, match=r'collides with route 198.18.0.0/16 dev eth9'):
        lab_safety.check_lab_subnet('198.18.122.0/24', VARIABLE)


def test_the_package_sources_resolve():
    """The check is only as good as its list: on this machine the apt mirror and pip index resolve."""
    assert lab_safety.package_source_hosts()
    assert lab_safety.package_source_addresses()


def test_an_ipv6_subnet_in_the_host_namespace_is_refused():
    """M7: before, only IPv4 subnets were held to the lab range; any IPv6 one passed."""
    with pytest.raises(lab_safety.LabCollision, match=r'2001:db8:1::/64 .* is IPv6'):
        lab_safety.check_lab_subnet('2001:db8:1::/64', VARIABLE)
    with pytest.raises(lab_safety.LabCollision, match=r'is IPv6'):
        lab_safety.check_lab_subnet('fd00::/8', VARIABLE)


def test_it_fails_closed_when_ip_cannot_be_read(monkeypatch, tmp_path):
    """M7: before, a failing `ip` gave an empty picture, in which every subnet looked clear."""
    broken = tmp_path / 'ip'
    broken.write_text('#!/bin/sh\necho "Cannot open netlink socket" >&2\nexit 1\n')
    broken.chmod(0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (tmp_path, os.environ['PATH']))
    with pytest.raises(lab_safety.LabCollision, match='cannot read what the host uses'):
        lab_safety.check_lab_subnet('198.18.122.0/24', VARIABLE)
