# The PostgreSQL server of the test run and the way tests ask for it (included by
# tests/CMakeLists.txt, after include(GoogleTest)).
#
#   adbridge_test(store_test SOURCES ... LIBS ... adbridge_postgres_test_db)
#   adbridge_postgres_variant(store_test)   # the same tests again as pg.<name>, store on PostgreSQL
#   adbridge_postgres_tests(postgres_connection_test)  # tests that always need the server

# A PostgreSQL server for the tests that need one (scripts/pg-test-server.sh): started by the
# first such test's fixture, so plain `ctest` brings it up too, and stopped after the last. It
# lives in the build tree; its URI is in ADBRIDGE_TEST_POSTGRES_URI_FILE.
set(ADBRIDGE_TEST_POSTGRES_DIR ${PROJECT_BINARY_DIR}/postgres-test-server)
set(ADBRIDGE_TEST_POSTGRES_URI_FILE ${ADBRIDGE_TEST_POSTGRES_DIR}/uri)
add_test(NAME postgres_server_start
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/pg-test-server.sh start ${ADBRIDGE_TEST_POSTGRES_DIR})
add_test(NAME postgres_server_stop
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/pg-test-server.sh stop ${ADBRIDGE_TEST_POSTGRES_DIR})
set_tests_properties(postgres_server_start PROPERTIES FIXTURES_SETUP postgres TIMEOUT 180)
set_tests_properties(postgres_server_stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 180)

# adbridge_postgres_tests(TARGET [PREFIX prefix] [STORE] [PROPERTIES name value...]): registers
# the GoogleTest executable TARGET's tests (once more, when it is also an adbridge_test) to run
# against the test server: the `postgres` fixture and ADBRIDGE_TEST_POSTGRES_URI_FILE
# (tests/models/postgres_test_db.h). STORE also sets ADBRIDGE_TEST_STORE=postgresql, which
# makes the store's tests open their store on PostgreSQL; PREFIX (default none) tells the two
# runs' names apart; PROPERTIES are further test properties (RUN_SERIAL, TIMEOUT).
function(adbridge_postgres_tests target)
  cmake_parse_arguments(ARG "STORE" "PREFIX" "PROPERTIES" ${ARGN})
  set(environment "OMP_THREAD_LIMIT=1"
    "ADBRIDGE_TEST_POSTGRES_URI_FILE=${ADBRIDGE_TEST_POSTGRES_URI_FILE}")
  if(ARG_STORE)
    list(APPEND environment "ADBRIDGE_TEST_STORE=postgresql")
  endif()
  # gtest_discover_tests (CMake 3.25) splits a list in PROPERTIES into separate words, so the
  # environment is set by a script ctest runs after the one that registers the tests, on the
  # names that one lists.
  string(MAKE_C_IDENTIFIER "${target}${ARG_PREFIX}_postgres_tests" list)
  # Suites named Sqlite* test the SQLite file itself and do not run on PostgreSQL.
  set(filter "*")
  if(ARG_STORE)
    set(filter "-Sqlite*")
  endif()
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 TEST_PREFIX "${ARG_PREFIX}" TEST_LIST ${list}
    TEST_FILTER "${filter}" PROPERTIES FIXTURES_REQUIRED postgres ${ARG_PROPERTIES})
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${list}_environment.cmake")
  file(WRITE "${script}"
    "if(${list})\n"
    "  set_tests_properties(\${${list}} PROPERTIES ENVIRONMENT \"${environment}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()

# adbridge_postgres_variant(TARGET): TARGET's tests a second time, named pg.<test>, with the
# store on PostgreSQL.
function(adbridge_postgres_variant target)
  adbridge_postgres_tests(${target} PREFIX "pg." STORE)
endfunction()
