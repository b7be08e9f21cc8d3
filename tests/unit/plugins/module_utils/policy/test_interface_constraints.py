# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.kvmnet.netboot.plugins.module_utils.policy.interface_constraints import (
    KEYS, ConstraintError, parse_constraints)


def dicts(spec):
    return [c.to_dict() for c in parse_constraints(spec)]


def test_maas_example():
    assert dicts('eth0:space=pxe;eth1:subnet=198.51.100.0/24,ip=198.51.100.20') == [
        {'label': 'eth0', 'ifname': 'eth0', 'match': {'space': ['pxe']}, 'ip': None, 'mode': None},
        {'label': 'eth1', 'ifname': 'eth1', 'match': {'subnet': ['198.51.100.0/24']}, 'ip': '198.51.100.20',
         'mode': None},
    ]


def test_numeric_labels_repeated_keys_and_ints():
    got = dicts('0:vid=10,vid=20,not_space=dmz;1:vlan=5001,mode=unconfigured')
    assert got[0]['ifname'] == 'eth0' and got[0]['match'] == {'vid': [10, 20], 'not_space': ['dmz']}
    assert got[1]['ifname'] == 'eth1' and got[1]['match'] == {'vlan': [5001]} and got[1]['mode'] == 'unconfigured'


def test_list_form_equals_string_form():
    assert dicts([{'label': 'eth0', 'space': 'pxe'}, {'label': 1, 'vid': [10, 20]}]) == \
        dicts('eth0:space=pxe;1:vid=10,vid=20')


@pytest.mark.parametrize('spec', [None, '', '   ', []])
def test_empty_means_no_constraints(spec):
    assert parse_constraints(spec) == []


@pytest.mark.parametrize('spec, message', [
    ('eth0', 'has no ":"'),
    ('eth0:', "empty constraint"),
    ('eth0:space', "is not key=value"),
    ('eth0:space=', 'space has an empty value'),
    ('eth0:colour=red', "unknown key 'colour'"),
    ('eth0:space=a;eth0:space=b', 'label eth0 appears more than once'),
    ('0:space=a;eth0:space=b', 'labels 0 and eth0 both name interface eth0'),
    ('-x:space=a', "label '-x' is not valid"),
    ('a.b:space=a', "label 'a.b' is not valid"),
    ('eth0:vid=ten', 'vid must be a whole number'),
    ('eth0:vid=5000', 'vid must be 0-4094'),
    ('eth0:mode=static', 'mode must be one of unconfigured'),
    ('eth0:ip=198.51.100.1,ip=198.51.100.2', 'ip may be given only once'),
    ('eth0:ip=198.51.100.1,mode=unconfigured', 'contradict'),
    ('eth0:space=a;;eth1:space=b', 'empty label section'),
    ('eth0:space=a,', 'empty constraint'),
    ('averyveryverylonglabel:space=a', 'longer than 15 characters'),
    ({'label': 'eth0'}, 'must be a constraint string or a list'),
    (['eth0:space=a'], 'interfaces[0] must be a dict'),
    ([{'space': 'a'}], 'interfaces[0] has no label'),
    ([{'label': 'eth0', 'space': {'x': 1}}], 'value of space must be text or a number'),
    ([{'label': 'eth0'}], 'label eth0 has no constraints'),
])
def test_errors(spec, message):
    with pytest.raises(ConstraintError, match=re.escape(message)):
        parse_constraints(spec)


# Every refusal says where (a label, a section, an item of the list) and what to write instead or what is wrong.
WHERE_RE = re.compile(r"^(labels? |label |section |empty label section |interfaces(\[\d+\])? )")


def assert_actionable(exc):
    message = str(exc)
    assert WHERE_RE.match(message), message
    assert '\n' not in message and 'Traceback' not in message, message


ALPHABET = 'ae0189:;,=_- .pxetdhcpspacvl/\\\x00\u00e9'


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_fuzz_text_only_clean_errors(text):
    try:
        result = parse_constraints(text)
    except ConstraintError as exc:
        assert_actionable(exc)
        return
    for constraint in result:
        assert constraint.label and len(constraint.ifname) <= 15
        assert all(key in KEYS for key in constraint.match)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.builds(
    lambda label, key, value: {'label': label, key: value},
    st.one_of(st.text(max_size=8), st.integers(-3, 30), st.none(), st.booleans()),
    st.sampled_from(list(KEYS) + ['bogus']),
    st.one_of(st.text(max_size=10), st.integers(-5, 5000), st.none(), st.floats(), st.booleans(),
              st.lists(st.text(max_size=4), max_size=3), st.dictionaries(st.text(max_size=2), st.integers())),
), max_size=4))
def test_fuzz_list_only_clean_errors(items):
    try:
        parse_constraints(items)
    except ConstraintError as exc:
        assert_actionable(exc)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r'[a-z0-9][a-z0-9_-]{0,6}', fullmatch=True),
                          st.sampled_from(['space', 'vid', 'tag', 'not_fabric', 'name']),
                          st.from_regex(r'[a-z0-9]{1,5}', fullmatch=True)), min_size=1, max_size=4))
def test_fuzz_well_formed_round_trip(parts):
    text = ';'.join('%s:%s=%s' % p for p in parts)
    try:
        result = parse_constraints(text)
    except ConstraintError as exc:
        # only the documented reasons for well-formed text
        assert any(words in str(exc) for words in ('more than once', 'both name', 'whole number', '0-4094'))
        return
    assert [c.label for c in result] == [p[0] for p in parts]
