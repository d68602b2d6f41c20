from tests import vectors


def test_loader_reads_the_gs1_dictionary_codes():
    data = vectors.load_json("gs1/ai/linter-error-codes.json")
    names = [c["name"] for c in data["codes"]]
    assert len(names) == 124
    assert names[0] == "GS1_LINTER_OK"
