"""Reading the OIG LEIE file: every column, dates and NPIs as the OIG writes them, and a
rejected file naming each bad line."""

from datetime import date

import pytest

from mso.reference.leie import LeieFileError, decode, name_key, read_leie

from .leie_files import leie_csv, person


def test_reads_people_and_businesses():
    content = leie_csv(
        person(
            "O'Brien-Smith",
            "Mary Ann",
            MIDNAME="Q",
            SPECIALTY="NURSING",
            NPI="1234567893",
            DOB="19610214",
            CITY="ALBANY",
            STATE="NY",
            EXCLDATE="20190301",
            REINDATE="20240101",
        ),
        {"BUSNAME": "SYNTHETIC PHARMACY LLC", "GENERAL": "PHARMACY", "EXCLTYPE": "1128b4"},
    )
    first, business = read_leie(decode(content))
    assert (first.line, first.last_name, first.npi) == (2, "O'Brien-Smith", "1234567893")
    assert first.birth_date == date(1961, 2, 14) and first.exclusion_date == date(2019, 3, 1)
    assert first.reinstatement_date == date(2024, 1, 1) and first.waiver_date is None
    assert first.name_key == "OBRIENSMITH|MARYANN"
    assert business.business_name == "SYNTHETIC PHARMACY LLC" and business.npi == ""
    assert business.name_key == "" and business.birth_date is None


def test_name_key_compares_letters_only():
    assert name_key("de la Cruz", "José-Luis") == name_key("DELACRUZ", "JOSELUIS")
    assert name_key("", "Ann") == "" and name_key("Smith", "") == ""


def test_a_bad_file_names_each_bad_line():
    content = leie_csv(
        person("Good", "Row"),
        person("Bad", "Date", EXCLDATE="20191301"),
        person("Bad", "Npi", NPI="12345"),
        person("No", "Exclusion", EXCLDATE=""),
        {"GENERAL": "nobody"},
    )
    with pytest.raises(LeieFileError) as error:
        read_leie(decode(content))
    assert error.value.problems == [
        (3, "EXCLDATE '20191301' is not a calendar date"),
        (4, "NPI '12345' is not 10 digits"),
        (5, "EXCLDATE is required"),
        (6, "neither LASTNAME nor BUSNAME is given"),
    ]
    assert "line 3" in str(error.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", (1, "the file is empty")),
        ("NAME,NPI\r\nA,1\r\n", (1, "the header must be the LEIE's 18 columns")),
        (decode(leie_csv()), (1, "the file has a header but no entries")),
        (decode(leie_csv()) + '"A","B"\r\n', (2, "2 columns, expected 18")),
    ],
)
def test_files_that_are_not_an_leie_list(text, problem):
    with pytest.raises(LeieFileError) as error:
        read_leie(text)
    line, reason = error.value.problems[0]
    assert line == problem[0] and reason.startswith(problem[1])


def test_too_many_problems_stop_the_read():
    content = leie_csv(*[person("X", "Y", NPI="1") for _ in range(50)])
    with pytest.raises(LeieFileError) as error:
        read_leie(decode(content))
    assert len(error.value.problems) == 21
    assert error.value.problems[-1][1] == "stopped after 20 problems"


def test_windows_1252_files_are_read():
    content = leie_csv(person("Muñoz", "Ana")).decode().encode("cp1252")
    (entry,) = read_leie(decode(content))
    assert entry.last_name == "Muñoz"
