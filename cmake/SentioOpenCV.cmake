# SPDX-License-Identifier: Apache-2.0
# sentio_find_opencv(): sets SENTIO_OPENCV_LIBS in the caller's scope to link targets for OpenCV's core,
# imgproc and imgcodecs (headers included). Debian's per-module -dev packages (what scripts/setup installs)
# ship no OpenCVConfig.cmake (only the libopencv-dev meta-package does), so without one the headers and the
# three libraries are located directly, as imported targets of the calling folder.
macro(sentio_find_opencv)
  find_package(OpenCV QUIET COMPONENTS core imgproc imgcodecs)
  if(OpenCV_FOUND)
    set(SENTIO_OPENCV_LIBS opencv_core opencv_imgproc opencv_imgcodecs)
  else()
    find_path(SENTIO_OPENCV_INCLUDE opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
    set(SENTIO_OPENCV_LIBS)
    foreach(component core imgproc imgcodecs)
      find_library(SENTIO_OPENCV_${component} opencv_${component} REQUIRED)
      add_library(sentio_opencv_${component} UNKNOWN IMPORTED)
      set_target_properties(sentio_opencv_${component} PROPERTIES IMPORTED_LOCATION "${SENTIO_OPENCV_${component}}"
        INTERFACE_INCLUDE_DIRECTORIES "${SENTIO_OPENCV_INCLUDE}")
      list(APPEND SENTIO_OPENCV_LIBS sentio_opencv_${component})
    endforeach()
  endif()
endmacro()
