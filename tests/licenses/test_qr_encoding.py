import os

import base45
import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.licenses.b45 import b45decode
from tongban.licenses.qr import sig_structure


@given(st.binary(max_size=400))
def test_fast_base45_decoder_agrees_with_the_base45_package(data):
    assert b45decode(base45.b45encode(data).decode()) == data


@pytest.mark.parametrize("bad", ["A", "GGW", "::::", "ab", "A!B", "中文A", "AB#"])
def test_fast_base45_decoder_rejects_invalid_text(bad):
    with pytest.raises(ValueError):
        b45decode(bad)


@pytest.mark.parametrize("n", [0, 5, 23, 24, 255, 256, 400])
def test_sig_structure_is_the_canonical_cbor_of_rfc_9052(n):
    protected, payload = os.urandom(30), os.urandom(n)
    assert sig_structure(protected, payload) == cbor2.dumps(["Signature1", protected, b"", payload])
