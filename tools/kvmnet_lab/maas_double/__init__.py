# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A test double of the MAAS region API (2.0), stateful, for the tests, the demo and the benchmarks.

It answers with MAAS's own field names, nesting and formats - its state starts from MAAS's captured
example answers (tests/unit/fixtures/maas, SOURCES.md) - checks the OAuth 1.0a PLAINTEXT
Authorization header of every request (a missing or wrong one is 401), knows admin and non-admin
users, answers MAAS's error codes, and logs every request for the tests to assert on.

Endpoints: version/, users/ (op=whoami), nodes/, fabrics/, subnets/, subnets/<id>/, subnets/ip:<address>/,
subnets/<id>/?op=ip_addresses[&with_summary=1], ipranges/, nodes/<system_id>/interfaces/[<id>/],
machines/ (GET with mac_address=, POST to enlist), machines/<system_id>/ (GET, PUT, DELETE,
op=power_parameters), ipaddresses/ (op=reserve, op=release), reservedips/ (MAAS >= 3.6). Writes and
power parameters need an administrator's key (403 otherwise). Anything outside /MAAS/api/2.0/ answers
an HTML page, as a web server in front of the wrong path would.

    from kvmnet_lab import maas_double
    state = maas_double.MaasState()
    key = state.add_user('admin', admin=True)
    with maas_double.serving(state) as region:
        ...  # region.url, region.log
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from kvmnet_lab.maas_double.routes import route
from kvmnet_lab.maas_double.server import MaasDouble, serving
from kvmnet_lab.maas_double.state import MaasState, Refused

__all__ = ['MaasDouble', 'MaasState', 'Refused', 'route', 'serving']
