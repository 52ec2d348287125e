# cmake -DFUZZER=... -DCORPUS=... -DWORK=... -DSECONDS=... -DRSS_LIMIT_MB=... -DINPUT_TIMEOUT=... [-DDICT=...]
#       -P RunFuzzer.cmake
# Runs one libFuzzer binary for SECONDS on a fresh copy of CORPUS in WORK (the committed seeds stay as they
# are), with the libFuzzer dictionary DICT if one is given, and fails if it finds anything; the failing input is kept in WORK/artifacts/.
foreach(var FUZZER CORPUS WORK SECONDS RSS_LIMIT_MB INPUT_TIMEOUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "RunFuzzer.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
if(IS_DIRECTORY ${CORPUS})
  file(COPY ${CORPUS}/ DESTINATION ${WORK}/corpus)
endif()

set(dict_option "")
if(DICT)
  set(dict_option -dict=${DICT})
endif()

execute_process(
  COMMAND ${FUZZER} ${dict_option} -max_total_time=${SECONDS} -rss_limit_mb=${RSS_LIMIT_MB} -timeout=${INPUT_TIMEOUT}
          -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB found ${WORK}/artifacts/*)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}). Input: ${found}\nReproduce with: ${FUZZER} <input>")
endif()
